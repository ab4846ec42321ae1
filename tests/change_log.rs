//! The change log (core::changes) names every level, volume and budget
//! change an observer can see: an observer that copies only what the log
//! names stays identical to the manager, whatever the host does.

use level_streaming::core::changes::Change;
use level_streaming::core::lod::LodLevel;
use level_streaming::core::manager::LevelStatus;
use level_streaming::core::*;
use proptest::prelude::*;

/// What an observer keeps: every level's status and every volume.
#[derive(Default)]
struct Mirror {
    seq: u64,
    levels: Vec<Option<LevelStatus>>,
    volumes: Vec<Option<StreamingVolume>>,
    budgets: Vec<level_streaming::core::memory::MemoryBudget>,
    unbudgeted: f64,
    screens: Vec<level_streaming::core::loading_screen::LoadingScreen>,
}

impl Mirror {
    fn full(m: &StreamingManager) -> Mirror {
        let mut mirror = Mirror {
            seq: m.changes().next_seq(),
            ..Mirror::default()
        };
        mirror.levels = m.level_statuses().map(Some).collect();
        for i in 0..m.volume_id_bound() {
            mirror.volumes.push(m.volume(VolumeId(i)).ok().cloned());
        }
        mirror.budgets = m.memory_budgets().to_vec();
        mirror.unbudgeted = m.unbudgeted_memory_mb();
        mirror.screens = m.loading_screens().cloned().collect();
        mirror
    }

    fn follow(&mut self, m: &StreamingManager) {
        let (levels, volumes) = (&mut self.levels, &mut self.volumes);
        let mut budgets = false;
        let mut screens = false;
        self.seq = m
            .changes()
            .since(self.seq, |c| match c {
                Change::Level(id) => {
                    let i = id.0 as usize;
                    if levels.len() <= i {
                        levels.resize(i + 1, None);
                    }
                    levels[i] = m.level_status(id);
                }
                Change::Volume(id) => {
                    let i = id.0 as usize;
                    if volumes.len() <= i {
                        volumes.resize(i + 1, None);
                    }
                    volumes[i] = m.volume(id).ok().cloned();
                }
                Change::Budgets => budgets = true,
                Change::LoadingScreens => screens = true,
            })
            .expect("the log kept up");
        if budgets {
            self.budgets = m.memory_budgets().to_vec();
            self.unbudgeted = m.unbudgeted_memory_mb();
        }
        if screens {
            self.screens = m.loading_screens().cloned().collect();
        }
    }

    fn assert_matches(&self, m: &StreamingManager) {
        let actual: Vec<Option<LevelStatus>> = m.level_statuses().map(Some).collect();
        assert_eq!(self.levels, actual, "levels differ");
        assert_eq!(
            self.budgets.as_slice(),
            m.memory_budgets(),
            "budgets differ"
        );
        assert_eq!(
            self.unbudgeted,
            m.unbudgeted_memory_mb(),
            "unbudgeted memory differs"
        );
        let screens: Vec<_> = m.loading_screens().cloned().collect();
        assert_eq!(self.screens, screens, "loading screens differ");
        for i in 0..m.volume_id_bound() as usize {
            let actual = m.volume(VolumeId(i as u32)).ok();
            let kept = self.volumes.get(i).and_then(Option::as_ref);
            // Distances change every update and are not logged.
            let strip = |v: Option<&StreamingVolume>| v.map(|v| StreamingVolume { ..v.clone() });
            assert_eq!(strip(kept), strip(actual), "volume {i} differs");
        }
    }
}

#[derive(Clone, Debug)]
enum Op {
    Update(f64),
    CompleteAll(bool),
    Load(usize),
    Unload(usize),
    Visible(usize, bool),
    Allocate(usize, f64),
    SetLod(usize, u32),
    AutoLod(usize, bool),
    Enable(usize, bool),
    Move(usize, f64),
    Distances(usize, f64),
    RemoveVolume(usize),
    Register,
    Screen(u8, u32),
    /// stream_around at x (radius 0), or release request n.
    StreamAround(f64),
    Release(u32),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0.0..4000.0f64).prop_map(Op::Update),
        3 => any::<bool>().prop_map(Op::CompleteAll),
        1 => (0..5usize).prop_map(Op::Load),
        1 => (0..5usize).prop_map(Op::Unload),
        1 => (0..5usize, any::<bool>()).prop_map(|(l, v)| Op::Visible(l, v)),
        1 => (0..5usize, 0.0..500.0f64).prop_map(|(l, mb)| Op::Allocate(l, mb)),
        1 => (0..5usize, 0..5u32).prop_map(|(l, lod)| Op::SetLod(l, lod)),
        1 => (0..5usize, any::<bool>()).prop_map(|(l, a)| Op::AutoLod(l, a)),
        1 => (0..5usize, any::<bool>()).prop_map(|(v, e)| Op::Enable(v, e)),
        1 => (0..5usize, 0.0..4000.0f64).prop_map(|(v, x)| Op::Move(v, x)),
        1 => (0..5usize, 50.0..800.0f64).prop_map(|(v, d)| Op::Distances(v, d)),
        1 => (0..5usize).prop_map(Op::RemoveVolume),
        1 => Just(Op::Register),
        2 => (0..6u8, 0..4u32).prop_map(|(a, n)| Op::Screen(a, n)),
        1 => (0.0..4000.0f64).prop_map(Op::StreamAround),
        1 => (0..4u32).prop_map(Op::Release),
    ]
}

fn name(i: usize) -> String {
    format!("L{i}")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]
    #[test]
    fn an_observer_following_the_log_stays_exact(ops in prop::collection::vec(op(), 1..80)) {
        let mut m = StreamingManager::default();
        m.create_memory_budget("B", 300.0, Priority::Normal).unwrap();
        for i in 0..5 {
            let mut v = VolumeDesc::new(format!("V{i}"), name(i), Vec3::new(i as f64 * 800.0, 0.0, 0.0), 100.0, 300.0);
            v.priority = Priority::ALL[i % 5];
            m.create_streaming_volume(&v).unwrap();
        }
        let mut mirror = Mirror::full(&m);
        let mut requests = Vec::new();
        let mut extra = 0;
        for op in ops {
            match op {
                Op::Update(x) => { let _ = m.update(&[StreamingSource::at(Vec3::new(x, 0.0, 0.0))], 0.1); }
                Op::CompleteAll(ok) => {
                    requests.clear();
                    m.take_requests(64, &mut requests);
                    for r in &requests { let _ = m.complete_request_with_memory(r.id, ok, ok.then_some(42.0)); }
                }
                Op::Load(l) => { let _ = m.load_level(&name(l)); }
                Op::Unload(l) => { let _ = m.unload_level(&name(l)); }
                Op::Visible(l, v) => { let _ = m.set_level_visible(&name(l), v); }
                Op::Allocate(l, mb) => { let _ = m.allocate_level_to_budget("B", &name(l), mb); }
                Op::SetLod(l, lod) => { let _ = m.adjust_lod(&name(l), LodLevel::from_u32(lod).unwrap()); }
                Op::AutoLod(l, a) => { let _ = m.set_lod_auto_adjust(&name(l), a); }
                Op::Enable(v, e) => { if let Ok(id) = m.find_volume(&format!("V{v}")) { let _ = m.set_volume_enabled(id, e); } }
                Op::Move(v, x) => { if let Ok(id) = m.find_volume(&format!("V{v}")) { let _ = m.move_streaming_volume(id, Vec3::new(x, 10.0, 0.0)); } }
                Op::Distances(v, d) => { if let Ok(id) = m.find_volume(&format!("V{v}")) { let _ = m.set_volume_distances(id, 90.0, d, None); } }
                Op::RemoveVolume(v) => { if let Ok(id) = m.find_volume(&format!("V{v}")) { let _ = m.remove_streaming_volume(id); } }
                Op::Screen(action, n) => {
                    use level_streaming::core::loading_screen::LoadingScreenId;
                    let id = LoadingScreenId(n + 1);
                    let _ = match action {
                        0 => m.create_loading_screen("T", "D", n).map(|_| ()),
                        1 => m.create_loading_screen_for_levels("B", "", &["L1", "L2"]).map(|_| ()),
                        2 => m.show_loading_screen(id).map(|_| ()),
                        3 => m.hide_loading_screen(id),
                        4 => m.update_loading_progress(id, n).map(|_| ()),
                        _ => m.add_loading_tip(id, "tip"),
                    };
                }
                Op::StreamAround(x) => { let _ = m.stream_around(Vec3::new(x, 0.0, 0.0), 0.0); }
                Op::Release(n) => { let _ = m.release_stream_around(StreamHandle(n)); }
                Op::Register => {
                    extra += 1;
                    let mut d = LevelDesc::new(format!("Extra{extra}"));
                    d.estimated_memory_mb = 7.0;
                    m.register_level(&d).unwrap();
                }
            }
            mirror.follow(&m);
            mirror.assert_matches(&m);
        }
    }
}
