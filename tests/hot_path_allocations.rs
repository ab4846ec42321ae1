//! The per-frame calls allocate nothing once warm: `lsm_record_frame`
//! (documented O(1) and allocation-free) and a steady walking `lsm_update`
//! with requests taken and completed. A counting global allocator proves it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::ptr;
use std::sync::atomic::{AtomicU64, Ordering};

use level_streaming::ffi::lifecycle::{lsm_manager_create, lsm_manager_destroy};
use level_streaming::ffi::profiler::lsm_record_frame;
use level_streaming::ffi::streaming::{lsm_complete_request, lsm_take_requests, lsm_update};
use level_streaming::ffi::volumes::lsm_create_streaming_volume;
use level_streaming::ffi::*;

struct Counting;
static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

// SAFETY: forwards to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(p, layout) }
    }
    unsafe fn realloc(&self, p: *mut u8, layout: Layout, size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(p, layout, size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn record_frame_and_a_walking_update_allocate_nothing_once_warm() {
    let m = lsm_manager_create(ptr::null());
    assert!(!m.is_null());
    for i in 0..200 {
        let name = std::ffi::CString::new(format!("v{i}")).unwrap();
        let level = std::ffi::CString::new(format!("L{i}")).unwrap();
        let desc = LsmVolumeDesc {
            name: name.as_ptr(),
            level_name: level.as_ptr(),
            center: LsmVec3 {
                x: (i % 20) as f64 * 400.0,
                y: (i / 20) as f64 * 400.0,
                z: 0.0,
            },
            radius: 50.0,
            load_distance: 300.0,
            unload_distance: 0.0,
            priority: 3,
            enabled: true,
        };
        assert_eq!(
            lsm_create_streaming_volume(m, &desc, ptr::null_mut()),
            LsmStatus::Ok
        );
    }
    let mut requests = [LsmRequest::default(); 64];
    let mut frame = |f: u32| {
        // A camera walking back and forth across the grid, 10 units a frame.
        let x = f64::from(f % 800) * 10.0;
        let source = LsmStreamingSource {
            position: LsmVec3 {
                x,
                y: 3000.0,
                z: 0.0,
            },
            ..Default::default()
        };
        assert_eq!(lsm_update(m, &source, 1, 1.0 / 60.0), LsmStatus::Ok);
        let mut n = 0;
        assert_eq!(
            lsm_take_requests(m, requests.as_mut_ptr(), 64, &mut n),
            LsmStatus::Ok
        );
        for r in &requests[..n] {
            assert_eq!(lsm_complete_request(m, r.id, true), LsmStatus::Ok);
        }
        assert_eq!(
            lsm_record_frame(m, 12.0, 512.0, 1000, 100_000),
            LsmStatus::Ok
        );
    };
    // Warm up: two full sweeps grow every buffer to its working size.
    for f in 0..1600 {
        frame(f);
    }
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    for f in 0..1600 {
        frame(f);
    }
    let during = ALLOCATIONS.load(Ordering::Relaxed) - before;
    lsm_manager_destroy(m);
    assert_eq!(during, 0, "{during} allocations in 1,600 warm frames");
}
