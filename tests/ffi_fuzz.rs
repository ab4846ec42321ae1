//! Property-based fuzzing of the C ABI: random sequences of `lsm_*` calls
//! with valid and invalid arguments (NULL pointers, invalid UTF-8, NaN and
//! infinite numbers, unknown names and ids, out-of-range enum values,
//! completions of random request ids). No call may ever panic through the
//! boundary, every failure must leave a message, and the manager must stay
//! consistent: every level has a state, requests and events keep flowing.

use std::ffi::{c_char, CString};
use std::ptr;

use level_streaming::ffi::events::*;
use level_streaming::ffi::levels::*;
use level_streaming::ffi::lifecycle::*;
use level_streaming::ffi::lod::*;
use level_streaming::ffi::memory::*;
use level_streaming::ffi::profiler::*;
use level_streaming::ffi::sources::*;
use level_streaming::ffi::streaming::*;
use level_streaming::ffi::volumes::*;
use level_streaming::ffi::*;
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Name {
    Known(u8),
    Unknown,
    Null,
    BadUtf8,
    Empty,
}

#[derive(Clone, Debug)]
enum Op {
    Volume(Name, Name, f64, f64, f64, f64, u32),
    Level(Name, f64, u32),
    Update(Vec<(f64, f64, f64)>, f64),
    Take(usize),
    Complete(u64, bool),
    CompleteTaken(bool),
    Load(Name),
    Unload(Name),
    Visible(Name, bool),
    Toggle(u32, bool),
    Remove(u32),
    Move(u32, f64),
    Budget(Name, f64, u32),
    Allocate(Name, Name, f64),
    SetLod(Name, u32),
    Frame(f64, f64),
    StreamAround(f64, f64),
    Poll(usize),
}

fn num() -> impl Strategy<Value = f64> {
    prop_oneof![
        6 => -5000.0..5000.0f64,
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(-1.0),
        1 => Just(0.0),
    ]
}

fn name() -> impl Strategy<Value = Name> {
    prop_oneof![
        8 => (0u8..6).prop_map(Name::Known),
        1 => Just(Name::Unknown),
        1 => Just(Name::Null),
        1 => Just(Name::BadUtf8),
        1 => Just(Name::Empty),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (name(), name(), num(), num(), num(), num(), 0u32..7).prop_map(|(a, b, c, d, e, f, g)| Op::Volume(a, b, c, d, e, f, g)),
        1 => (name(), num(), 0u32..7).prop_map(|(a, b, c)| Op::Level(a, b, c)),
        4 => (prop::collection::vec((num(), num(), num()), 0..3), num()).prop_map(|(s, dt)| Op::Update(s, dt)),
        2 => (0usize..8).prop_map(Op::Take),
        1 => (0u64..40, any::<bool>()).prop_map(|(a, b)| Op::Complete(a, b)),
        3 => any::<bool>().prop_map(Op::CompleteTaken),
        1 => name().prop_map(Op::Load),
        1 => name().prop_map(Op::Unload),
        1 => (name(), any::<bool>()).prop_map(|(a, b)| Op::Visible(a, b)),
        1 => (0u32..12, any::<bool>()).prop_map(|(a, b)| Op::Toggle(a, b)),
        1 => (0u32..12).prop_map(Op::Remove),
        1 => (0u32..12, num()).prop_map(|(a, b)| Op::Move(a, b)),
        1 => (name(), num(), 0u32..7).prop_map(|(a, b, c)| Op::Budget(a, b, c)),
        1 => (name(), name(), num()).prop_map(|(a, b, c)| Op::Allocate(a, b, c)),
        1 => (name(), 0u32..7).prop_map(|(a, b)| Op::SetLod(a, b)),
        1 => (num(), num()).prop_map(|(a, b)| Op::Frame(a, b)),
        1 => (num(), num()).prop_map(|(a, b)| Op::StreamAround(a, b)),
        2 => (0usize..16).prop_map(Op::Poll),
    ]
}

/// Holds the C strings for one call.
fn c_name(n: &Name, prefix: &str) -> Option<CString> {
    match n {
        Name::Known(i) => Some(CString::new(format!("{prefix}{i}")).unwrap()),
        Name::Unknown => Some(CString::new("never-heard-of-it").unwrap()),
        Name::Null => None,
        Name::BadUtf8 => Some(CString::new(vec![0xff, 0xfe, b'x']).unwrap()),
        Name::Empty => Some(CString::new("").unwrap()),
    }
}

fn ptr_of(c: &Option<CString>) -> *const c_char {
    c.as_ref().map_or(ptr::null(), |c| c.as_ptr())
}

fn check(status: LsmStatus) -> Result<(), TestCaseError> {
    prop_assert_ne!(status, LsmStatus::Panic, "a panic reached the boundary");
    if status != LsmStatus::Ok {
        let len = lsm_last_error_message(ptr::null_mut(), 0);
        prop_assert!(len > 0, "{:?} without a message", status);
    }
    Ok(())
}

fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let config = LsmConfig {
        max_loads_in_flight: 2,
        ..LsmConfig::default()
    };
    let m = lsm_manager_create(&config);
    prop_assert!(!m.is_null());
    let mut taken: Vec<LsmRequest> = Vec::new();
    for op in ops {
        let status = match op {
            Op::Volume(vn, ln, x, r, load, unload, prio) => {
                let (vn, ln) = (c_name(&vn, "v"), c_name(&ln, "L"));
                let desc = LsmVolumeDesc {
                    name: ptr_of(&vn),
                    level_name: ptr_of(&ln),
                    center: LsmVec3 { x, y: 0.0, z: 0.0 },
                    radius: r,
                    load_distance: load,
                    unload_distance: unload,
                    priority: prio,
                    enabled: true,
                };
                lsm_create_streaming_volume(m, &desc, ptr::null_mut())
            }
            Op::Level(n, mb, prio) => {
                let n = c_name(&n, "L");
                let desc = LsmLevelDesc {
                    name: ptr_of(&n),
                    estimated_memory_mb: mb,
                    priority: prio,
                };
                lsm_register_level(m, &desc, ptr::null_mut())
            }
            Op::Update(sources, dt) => {
                let s: Vec<LsmStreamingSource> = sources
                    .iter()
                    .map(|&(x, y, v)| LsmStreamingSource {
                        position: LsmVec3 { x, y, z: 0.0 },
                        velocity: LsmVec3 {
                            x: v,
                            y: 0.0,
                            z: 0.0,
                        },
                        priority: 0,
                        look_ahead_seconds: 0.0,
                    })
                    .collect();
                lsm_update(
                    m,
                    if s.is_empty() {
                        ptr::null()
                    } else {
                        s.as_ptr()
                    },
                    s.len(),
                    dt,
                )
            }
            Op::Take(cap) => {
                let mut buf = vec![LsmRequest::default(); cap];
                let mut n = 0;
                let st = lsm_take_requests(
                    m,
                    if cap == 0 {
                        ptr::null_mut()
                    } else {
                        buf.as_mut_ptr()
                    },
                    cap,
                    &mut n,
                );
                taken.extend_from_slice(&buf[..n]);
                st
            }
            Op::Complete(id, ok) => lsm_complete_request(m, id, ok),
            Op::CompleteTaken(ok) => match taken.pop() {
                Some(r) => {
                    lsm_complete_request_with_memory(m, r.id, ok, if ok { 10.0 } else { -1.0 })
                }
                None => LsmStatus::Ok,
            },
            Op::Load(n) => {
                let n = c_name(&n, "L");
                lsm_load_level(m, ptr_of(&n))
            }
            Op::Unload(n) => {
                let n = c_name(&n, "L");
                lsm_unload_level(m, ptr_of(&n))
            }
            Op::Visible(n, v) => {
                let n = c_name(&n, "L");
                lsm_set_level_visible(m, ptr_of(&n), v)
            }
            Op::Toggle(id, e) => lsm_set_volume_enabled(m, id, e),
            Op::Remove(id) => lsm_remove_streaming_volume(m, id),
            Op::Move(id, x) => lsm_move_streaming_volume(m, id, LsmVec3 { x, y: 1.0, z: 0.0 }),
            Op::Budget(n, mb, prio) => {
                let n = c_name(&n, "B");
                lsm_create_memory_budget(m, ptr_of(&n), mb, prio, ptr::null_mut())
            }
            Op::Allocate(b, l, mb) => {
                let (b, l) = (c_name(&b, "B"), c_name(&l, "L"));
                lsm_allocate_level_to_budget(m, ptr_of(&b), ptr_of(&l), mb)
            }
            Op::SetLod(n, lod) => {
                let n = c_name(&n, "L");
                lsm_set_lod(m, ptr_of(&n), lod)
            }
            Op::Frame(ms, mb) => lsm_record_frame(m, ms, mb, 100, 1000),
            Op::StreamAround(x, r) => {
                let mut h = 0;
                lsm_stream_around(m, LsmVec3 { x, y: 0.0, z: 0.0 }, r, &mut h)
            }
            Op::Poll(cap) => {
                let mut buf = vec![LsmEvent::default(); cap];
                let mut n = 0;
                lsm_poll_events(
                    m,
                    if cap == 0 {
                        ptr::null_mut()
                    } else {
                        buf.as_mut_ptr()
                    },
                    cap,
                    &mut n,
                )
            }
        };
        check(status)?;
        // Consistency after every call: every level answers with a state.
        for id in 0..lsm_level_count(m) as u32 {
            let mut s = LsmStreamingState::Unloaded;
            prop_assert_eq!(lsm_get_level_state_by_id(m, id, &mut s), LsmStatus::Ok);
        }
        let mut mem = std::mem::MaybeUninit::<LsmMemoryStatus>::uninit();
        prop_assert_eq!(lsm_get_memory_status(m, mem.as_mut_ptr()), LsmStatus::Ok);
        // SAFETY: written on OK.
        let mem = unsafe { mem.assume_init() };
        prop_assert!(mem.used_memory_mb.is_finite() && mem.used_memory_mb >= -1e-6);
    }
    // Drain: completing everything must always be possible.
    for _ in 0..100 {
        let mut buf = [LsmRequest::default(); 16];
        let mut n = 0;
        check(lsm_take_requests(m, buf.as_mut_ptr(), 16, &mut n))?;
        taken.extend_from_slice(&buf[..n]);
        if taken.is_empty() {
            break;
        }
        for r in taken.drain(..) {
            check(lsm_complete_request(m, r.id, true))?;
        }
    }
    let mut buf = [LsmRequest::default(); 16];
    let mut n = 0;
    check(lsm_take_requests(m, buf.as_mut_ptr(), 16, &mut n))?;
    prop_assert_eq!(
        n,
        0,
        "requests still coming after 100 rounds of completions"
    );
    lsm_manager_destroy(m);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn random_call_sequences_never_panic_and_stay_consistent(ops in prop::collection::vec(op(), 1..120)) {
        run(ops)?;
    }
}

/// The last error message on this thread.
fn last_error() -> String {
    let mut buf = vec![0 as c_char; 512];
    lsm_last_error_message(buf.as_mut_ptr(), buf.len());
    // SAFETY: lsm_last_error_message NUL-terminates what it writes.
    unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) }
        .to_string_lossy()
        .into_owned()
}

/// A pointer one byte past an 8-aligned place in `buf`: misaligned for any
/// type with 8-byte alignment.
fn misaligned<T>(buf: &mut [u64]) -> *mut T {
    buf.as_mut_ptr().cast::<u8>().wrapping_add(1).cast::<T>()
}

/// Pointers that cannot point to the type they claim (cast from a byte
/// buffer, stale, corrupted) are refused with a message, never read or
/// written through: an output struct, an input struct, an input array and
/// the manager handle. The manager is untouched by the refused calls.
#[test]
fn misaligned_pointers_are_refused_with_a_message() {
    let m = lsm_manager_create(ptr::null());
    assert!(!m.is_null());
    let mut buf = [0u64; 64];

    let out = misaligned::<LsmMemoryStatus>(&mut buf);
    assert_eq!(lsm_get_memory_status(m, out), LsmStatus::InvalidArgument);
    assert!(last_error().contains("out"), "{}", last_error());
    assert!(last_error().contains("aligned"), "{}", last_error());
    assert!(buf.iter().all(|&w| w == 0), "nothing written");

    let name = CString::new("v").unwrap();
    let level = CString::new("L").unwrap();
    let desc = LsmVolumeDesc {
        name: name.as_ptr(),
        level_name: level.as_ptr(),
        center: LsmVec3 {
            x: 0.0,
            y: 0.0,
            z: 0.0,
        },
        radius: 10.0,
        load_distance: 100.0,
        unload_distance: 0.0,
        priority: 3,
        enabled: true,
    };
    let desc_at = misaligned::<LsmVolumeDesc>(&mut buf);
    // SAFETY: the buffer holds 512 bytes, more than a desc past one byte.
    unsafe { desc_at.write_unaligned(desc) };
    let mut id = u32::MAX;
    assert_eq!(
        lsm_create_streaming_volume(m, desc_at, &mut id),
        LsmStatus::InvalidArgument
    );
    assert!(last_error().contains("desc"), "{}", last_error());
    assert_eq!(id, u32::MAX);

    let sources = misaligned::<LsmStreamingSource>(&mut buf);
    assert_eq!(lsm_update(m, sources, 1, 0.016), LsmStatus::InvalidArgument);
    assert!(last_error().contains("sources"), "{}", last_error());

    let mut status = std::mem::MaybeUninit::<LsmMemoryStatus>::uninit();
    let handle = m.cast::<u8>().wrapping_add(1).cast::<LsmManager>();
    assert_eq!(
        lsm_get_memory_status(handle, status.as_mut_ptr()),
        LsmStatus::InvalidHandle
    );
    assert!(last_error().contains("misaligned"), "{}", last_error());

    // The manager still works, and nothing was created.
    assert_eq!(lsm_get_memory_status(m, status.as_mut_ptr()), LsmStatus::Ok);
    assert_eq!(
        lsm_create_streaming_volume(m, &desc, &mut id),
        LsmStatus::Ok
    );
    assert_eq!(id, 0, "the first volume created gets the first id");
    lsm_manager_destroy(m);
}
