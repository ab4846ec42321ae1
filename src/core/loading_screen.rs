//! Loading screens: progress, elapsed time, an ETA from the observed loading
//! rate, and rotating tips.
//!
//! A screen is either *manual* (the host reports progress with
//! [`LoadingScreens::update_loading_progress`]) or *bound* to a set of levels
//! ([`LoadingScreens::create_bound_loading_screen`]): its progress is the
//! number of those levels that are active, kept up to date by
//! [`LoadingScreens::on_level_state`], and it hides itself once all of them
//! are active.
//!
//! Nothing here reads a clock: every time is the manager's game time in
//! seconds, passed in as `now`.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::error::{check_name, check_non_negative, StreamingError, StreamingResult};
use super::types::LevelId;

/// Seconds each tip stays on screen before the next one.
pub const TIP_ROTATION_SECONDS: f64 = 5.0;

/// Id of a loading screen. Ids start at 1 and are never reused within one
/// [`LoadingScreens`], so a stale id is always detected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LoadingScreenId(pub u32);

impl fmt::Display for LoadingScreenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// One loading screen.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LoadingScreen {
    /// Its id.
    pub id: LoadingScreenId,
    /// Title shown to the player (never empty).
    pub title: String,
    /// Longer text shown to the player (may be empty).
    pub description: String,
    /// Assets to load; for a bound screen, the number of bound levels.
    pub total_assets: u32,
    /// Assets loaded so far (<= `total_assets`); for a bound screen, the
    /// number of bound levels that are active.
    pub assets_loaded: u32,
    /// Whether the screen is currently shown.
    pub visible: bool,
    /// When it was created (seconds of game time).
    pub created_at: f64,
    /// When it was last shown; `None` if it never was.
    pub shown_at: Option<f64>,
    /// When it was last hidden; `None` while visible or if never hidden.
    pub hidden_at: Option<f64>,
    /// When `assets_loaded` last changed (initially `created_at`).
    pub progress_updated_at: f64,
    /// `assets_loaded` when the screen was last shown; the ETA only counts
    /// assets loaded since then.
    pub assets_loaded_at_show: u32,
    /// Tips, shown in turn (see [`LoadingScreen::current_tip`]).
    pub tips: Vec<String>,
    /// The levels a bound screen waits for; empty for a manual screen.
    pub bound_levels: Vec<LevelId>,
    /// For each of `bound_levels`, whether it is active (done).
    pub bound_levels_done: Vec<bool>,
    /// Bound screens only: the screen hid itself because all its levels were
    /// active. From then on it no longer follows level states (its progress
    /// stays complete).
    pub auto_hidden: bool,
}

impl LoadingScreen {
    /// True for a screen bound to levels (its progress is automatic).
    pub fn is_bound(&self) -> bool {
        !self.bound_levels.is_empty()
    }

    /// True once every asset (or bound level) is loaded.
    pub fn is_complete(&self) -> bool {
        self.assets_loaded >= self.total_assets
    }

    /// Fraction loaded, 0..=1. A screen with no assets is complete (1.0).
    pub fn progress(&self) -> f64 {
        if self.total_assets == 0 {
            1.0
        } else {
            (f64::from(self.assets_loaded) / f64::from(self.total_assets)).min(1.0)
        }
    }

    /// Seconds since the screen was last shown: 0 if it never was, and
    /// frozen at the moment it was hidden while it is hidden.
    pub fn elapsed(&self, now: f64) -> f64 {
        match self.shown_at {
            None => 0.0,
            Some(shown) => {
                let end = if self.visible {
                    now
                } else {
                    self.hidden_at.unwrap_or(now)
                };
                (end - shown).max(0.0)
            }
        }
    }

    /// Estimated seconds until complete, from the rate observed since the
    /// screen was last shown: `rate = (assets_loaded - assets_loaded_at_show)
    /// / elapsed(now)`, `eta = (total_assets - assets_loaded) / rate`.
    ///
    /// `Some(0.0)` when complete (including a screen with no assets); `None`
    /// when the screen was never shown or no asset has loaded since it was
    /// shown (no rate yet). Since `elapsed` freezes at hide, so does the ETA.
    pub fn eta_seconds(&self, now: f64) -> Option<f64> {
        if self.is_complete() {
            return Some(0.0);
        }
        self.shown_at?;
        let loaded_since_show = self
            .assets_loaded
            .saturating_sub(self.assets_loaded_at_show);
        if loaded_since_show == 0 {
            return None;
        }
        let elapsed = self.elapsed(now);
        if elapsed <= 0.0 {
            return None;
        }
        let remaining = f64::from(self.total_assets - self.assets_loaded);
        // remaining / (loaded / elapsed), with one rounding fewer.
        Some(remaining * elapsed / f64::from(loaded_since_show))
    }

    /// The tip to show at `now`: tips rotate every [`TIP_ROTATION_SECONDS`]
    /// of [`LoadingScreen::elapsed`] time, starting with the first when the
    /// screen is shown and wrapping around. `None` when there are no tips.
    pub fn current_tip(&self, now: f64) -> Option<&str> {
        if self.tips.is_empty() {
            return None;
        }
        let slot = (self.elapsed(now) / TIP_ROTATION_SECONDS).floor() as usize;
        Some(&self.tips[slot % self.tips.len()])
    }

    /// The bound levels that are not active yet, in the order given at
    /// creation.
    pub fn pending_levels(&self) -> impl Iterator<Item = LevelId> + '_ {
        self.bound_levels
            .iter()
            .zip(&self.bound_levels_done)
            .filter(|(_, done)| !**done)
            .map(|(level, _)| *level)
    }

    fn hide(&mut self, now: f64) {
        self.visible = false;
        self.hidden_at = Some(now);
    }
}

/// Checks text that goes back to C: no interior NUL.
fn check_text(what: &'static str, text: &str) -> StreamingResult<()> {
    if text.contains('\0') {
        return Err(StreamingError::InvalidArgument(format!(
            "{what} must not contain NUL"
        )));
    }
    Ok(())
}

fn not_found(id: LoadingScreenId) -> StreamingError {
    StreamingError::NotFound {
        kind: "loading screen",
        name: id.to_string(),
    }
}

/// All loading screens. Iteration is in id (creation) order.
#[derive(Clone, Debug, Default)]
pub struct LoadingScreens {
    screens: BTreeMap<LoadingScreenId, LoadingScreen>,
    /// The last id handed out (0: none yet).
    last_id: u32,
}

impl LoadingScreens {
    /// No screens.
    pub fn new() -> Self {
        LoadingScreens::default()
    }

    fn allocate_id(&mut self) -> StreamingResult<LoadingScreenId> {
        let next = self
            .last_id
            .checked_add(1)
            .ok_or_else(|| StreamingError::InvalidArgument("no loading screen ids left".into()))?;
        Ok(LoadingScreenId(next))
    }

    fn insert(&mut self, screen: LoadingScreen) -> LoadingScreenId {
        let id = screen.id;
        self.last_id = id.0;
        self.screens.insert(id, screen);
        id
    }

    fn get_mut(&mut self, id: LoadingScreenId) -> StreamingResult<&mut LoadingScreen> {
        self.screens.get_mut(&id).ok_or_else(|| not_found(id))
    }

    /// Creates a hidden manual screen waiting for `total_assets` assets.
    /// `title` must be non-empty; neither text may contain NUL; `now` must be
    /// finite and not negative.
    pub fn create_loading_screen(
        &mut self,
        title: &str,
        description: &str,
        total_assets: u32,
        now: f64,
    ) -> StreamingResult<LoadingScreenId> {
        self.create(
            title,
            description,
            total_assets,
            Vec::new(),
            Vec::new(),
            now,
        )
    }

    /// Creates a hidden screen bound to `levels`, each given with whether it
    /// is already active. `total_assets` is the number of levels and
    /// `assets_loaded` the number already active; from then on
    /// [`LoadingScreens::on_level_state`] keeps it up to date. The list must
    /// be non-empty and name each level once.
    pub fn create_bound_loading_screen(
        &mut self,
        title: &str,
        description: &str,
        levels: &[(LevelId, bool)],
        now: f64,
    ) -> StreamingResult<LoadingScreenId> {
        if levels.is_empty() {
            return Err(StreamingError::InvalidArgument(
                "a bound loading screen needs at least one level".into(),
            ));
        }
        let total = u32::try_from(levels.len()).map_err(|_| {
            StreamingError::InvalidArgument("too many levels for one loading screen".into())
        })?;
        let mut sorted: Vec<LevelId> = levels.iter().map(|(level, _)| *level).collect();
        sorted.sort_unstable();
        if let Some(pair) = sorted.windows(2).find(|w| w[0] == w[1]) {
            return Err(StreamingError::InvalidArgument(format!(
                "level {} is listed twice for one loading screen",
                pair[0].0
            )));
        }
        let bound = levels.iter().map(|(level, _)| *level).collect();
        let done = levels.iter().map(|(_, active)| *active).collect();
        self.create(title, description, total, bound, done, now)
    }

    fn create(
        &mut self,
        title: &str,
        description: &str,
        total_assets: u32,
        bound_levels: Vec<LevelId>,
        bound_levels_done: Vec<bool>,
        now: f64,
    ) -> StreamingResult<LoadingScreenId> {
        check_name("loading screen", title)?;
        check_text("loading screen description", description)?;
        check_non_negative("now", now)?;
        let id = self.allocate_id()?;
        let assets_loaded = bound_levels_done.iter().filter(|done| **done).count() as u32;
        Ok(self.insert(LoadingScreen {
            id,
            title: title.to_string(),
            description: description.to_string(),
            total_assets,
            assets_loaded,
            visible: false,
            created_at: now,
            shown_at: None,
            hidden_at: None,
            progress_updated_at: now,
            assets_loaded_at_show: assets_loaded,
            tips: Vec::new(),
            bound_levels,
            bound_levels_done,
            auto_hidden: false,
        }))
    }

    /// Shows screen `id` and returns whether it is visible afterwards.
    ///
    /// Showing a visible screen changes nothing. Showing a hidden one starts
    /// a new showing: `shown_at = now`, elapsed time, tip rotation and the
    /// ETA's rate restart. A bound screen whose levels are all active
    /// already has nothing to wait for: it is recorded as shown and hidden
    /// at `now` (and marked `auto_hidden`), and `false` is returned.
    pub fn show_loading_screen(&mut self, id: LoadingScreenId, now: f64) -> StreamingResult<bool> {
        check_non_negative("now", now)?;
        let screen = self.get_mut(id)?;
        if screen.visible {
            return Ok(true);
        }
        screen.visible = true;
        screen.shown_at = Some(now);
        screen.hidden_at = None;
        screen.assets_loaded_at_show = screen.assets_loaded;
        if screen.is_bound() && screen.is_complete() {
            screen.hide(now);
            screen.auto_hidden = true;
            return Ok(false);
        }
        Ok(true)
    }

    /// Hides screen `id` (`hidden_at = now`; elapsed time freezes). Hiding a
    /// hidden screen changes nothing. A bound screen hidden by hand keeps
    /// following its levels.
    pub fn hide_loading_screen(&mut self, id: LoadingScreenId, now: f64) -> StreamingResult<()> {
        check_non_negative("now", now)?;
        let screen = self.get_mut(id)?;
        if screen.visible {
            screen.hide(now);
        }
        Ok(())
    }

    /// Sets how many assets of manual screen `id` are loaded and returns its
    /// progress. The count may go down as well as up. More than
    /// `total_assets` is [`StreamingError::InvalidArgument`], and so is any
    /// update of a bound screen (its progress follows its levels); a refused
    /// update changes nothing. Does not show or hide the screen.
    pub fn update_loading_progress(
        &mut self,
        id: LoadingScreenId,
        assets_loaded: u32,
        now: f64,
    ) -> StreamingResult<f64> {
        check_non_negative("now", now)?;
        let screen = self.get_mut(id)?;
        if screen.is_bound() {
            return Err(StreamingError::InvalidArgument(format!(
                "loading screen {id} follows its levels; its progress cannot be set"
            )));
        }
        if assets_loaded > screen.total_assets {
            return Err(StreamingError::InvalidArgument(format!(
                "assets_loaded {assets_loaded} exceeds total_assets {} of loading screen {id}",
                screen.total_assets
            )));
        }
        if screen.assets_loaded != assets_loaded {
            screen.assets_loaded = assets_loaded;
            screen.progress_updated_at = now;
        }
        Ok(screen.progress())
    }

    /// Appends a tip to screen `id`. The tip must be non-empty and contain
    /// no NUL.
    pub fn add_tip(&mut self, id: LoadingScreenId, tip: &str) -> StreamingResult<()> {
        if tip.is_empty() {
            return Err(StreamingError::InvalidArgument(
                "tip must not be empty".into(),
            ));
        }
        check_text("tip", tip)?;
        self.get_mut(id)?.tips.push(tip.to_string());
        Ok(())
    }

    /// Removes screen `id` and returns it. Its id is not reused.
    pub fn remove(&mut self, id: LoadingScreenId) -> StreamingResult<LoadingScreen> {
        self.screens.remove(&id).ok_or_else(|| not_found(id))
    }

    /// Screen `id`, if it exists.
    pub fn get(&self, id: LoadingScreenId) -> Option<&LoadingScreen> {
        self.screens.get(&id)
    }

    /// Every screen, in id order.
    pub fn iter(&self) -> impl Iterator<Item = &LoadingScreen> {
        self.screens.values()
    }

    /// Number of screens.
    pub fn len(&self) -> usize {
        self.screens.len()
    }

    /// True when there are no screens.
    pub fn is_empty(&self) -> bool {
        self.screens.is_empty()
    }

    /// The hook the manager calls on every level state change, with
    /// `active` true when `level` entered the Active state and false when it
    /// left it. `now` is the manager's clock (finite, not negative).
    ///
    /// For every bound screen that lists `level` (and has not
    /// `auto_hidden`): marks the level done when active, un-marks it when
    /// not, and sets `assets_loaded` to the number of done levels. A visible
    /// screen whose levels are then all done is hidden at `now`, marked
    /// `auto_hidden`, and its id is appended to `hidden_out` (in id order;
    /// `hidden_out` is not cleared). Allocates nothing beyond growing
    /// `hidden_out`.
    pub fn on_level_state(
        &mut self,
        level: LevelId,
        active: bool,
        now: f64,
        hidden_out: &mut Vec<LoadingScreenId>,
    ) {
        debug_assert!(now.is_finite(), "the manager's clock is finite");
        for screen in self.screens.values_mut() {
            if screen.auto_hidden {
                continue;
            }
            let Some(i) = screen.bound_levels.iter().position(|l| *l == level) else {
                continue;
            };
            if screen.bound_levels_done[i] == active {
                continue;
            }
            screen.bound_levels_done[i] = active;
            if active {
                screen.assets_loaded += 1;
            } else {
                screen.assets_loaded -= 1;
            }
            screen.progress_updated_at = now;
            if active && screen.visible && screen.is_complete() {
                screen.hide(now);
                screen.auto_hidden = true;
                hidden_out.push(screen.id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn not_found_err(id: u32) -> StreamingError {
        StreamingError::NotFound {
            kind: "loading screen",
            name: id.to_string(),
        }
    }

    #[test]
    fn ids_start_at_one_and_are_never_reused() {
        let mut s = LoadingScreens::new();
        let a = s.create_loading_screen("A", "", 1, 0.0).unwrap();
        let b = s.create_loading_screen("B", "", 1, 0.0).unwrap();
        assert_eq!((a, b), (LoadingScreenId(1), LoadingScreenId(2)));
        assert_eq!(s.remove(b).unwrap().title, "B");
        let c = s.create_loading_screen("C", "", 1, 0.0).unwrap();
        assert_eq!(c, LoadingScreenId(3));
        assert_eq!(s.len(), 2);
        let titles: Vec<&str> = s.iter().map(|x| x.title.as_str()).collect();
        assert_eq!(titles, ["A", "C"]);
        assert_eq!(LoadingScreenId(7).to_string(), "7");
    }

    #[test]
    fn new_screen_starts_hidden_and_empty() {
        let mut s = LoadingScreens::new();
        let id = s
            .create_loading_screen("Entering the Forest", "Please wait", 10, 3.5)
            .unwrap();
        let screen = s.get(id).unwrap();
        assert_eq!(screen.id, id);
        assert_eq!(screen.title, "Entering the Forest");
        assert_eq!(screen.description, "Please wait");
        assert_eq!((screen.total_assets, screen.assets_loaded), (10, 0));
        assert!(!screen.visible);
        assert_eq!(screen.created_at, 3.5);
        assert_eq!(screen.progress_updated_at, 3.5);
        assert_eq!((screen.shown_at, screen.hidden_at), (None, None));
        assert!(!screen.is_bound());
        assert_eq!(screen.progress(), 0.0);
        assert_eq!(screen.elapsed(100.0), 0.0);
        assert_eq!(screen.eta_seconds(100.0), None);
        assert_eq!(screen.current_tip(100.0), None);
    }

    #[test]
    fn creation_is_validated() {
        let mut s = LoadingScreens::new();
        assert!(matches!(
            s.create_loading_screen("", "", 1, 0.0),
            Err(StreamingError::InvalidArgument(_))
        ));
        assert!(matches!(
            s.create_loading_screen("a\0b", "", 1, 0.0),
            Err(StreamingError::InvalidArgument(_))
        ));
        assert!(matches!(
            s.create_loading_screen("A", "x\0", 1, 0.0),
            Err(StreamingError::InvalidArgument(_))
        ));
        assert_eq!(
            s.create_loading_screen("A", "", 1, f64::NAN),
            Err(StreamingError::NonFiniteValue { what: "now" })
        );
        assert_eq!(
            s.create_loading_screen("A", "", 1, -1.0),
            Err(StreamingError::NegativeValue {
                what: "now",
                value: -1.0
            })
        );
        assert!(matches!(
            s.create_bound_loading_screen("A", "", &[], 0.0),
            Err(StreamingError::InvalidArgument(_))
        ));
        assert!(matches!(
            s.create_bound_loading_screen(
                "A",
                "",
                &[(LevelId(1), false), (LevelId(2), false), (LevelId(1), true)],
                0.0
            ),
            Err(StreamingError::InvalidArgument(_))
        ));
        assert!(matches!(
            s.create_bound_loading_screen("", "", &[(LevelId(1), false)], 0.0),
            Err(StreamingError::InvalidArgument(_))
        ));
        assert!(s.is_empty());
        // No id was used up by the refusals.
        assert_eq!(
            s.create_loading_screen("A", "", 1, 0.0),
            Ok(LoadingScreenId(1))
        );
    }

    #[test]
    fn progress_fractions() {
        let mut s = LoadingScreens::new();
        let id = s.create_loading_screen("A", "", 4, 0.0).unwrap();
        assert_eq!(s.update_loading_progress(id, 1, 1.0), Ok(0.25));
        assert_eq!(s.update_loading_progress(id, 3, 2.0), Ok(0.75));
        assert_eq!(s.get(id).unwrap().progress_updated_at, 2.0);
        // Same count: progress time unchanged.
        assert_eq!(s.update_loading_progress(id, 3, 2.5), Ok(0.75));
        assert_eq!(s.get(id).unwrap().progress_updated_at, 2.0);
        // Going down is allowed.
        assert_eq!(s.update_loading_progress(id, 2, 3.0), Ok(0.5));
        assert!(!s.get(id).unwrap().is_complete());
        assert_eq!(s.update_loading_progress(id, 4, 4.0), Ok(1.0));
        assert!(s.get(id).unwrap().is_complete());

        let empty = s.create_loading_screen("Empty", "", 0, 0.0).unwrap();
        assert_eq!(s.get(empty).unwrap().progress(), 1.0);
        assert!(s.get(empty).unwrap().is_complete());
        assert_eq!(s.update_loading_progress(empty, 0, 1.0), Ok(1.0));
    }

    #[test]
    fn progress_over_total_is_refused_and_changes_nothing() {
        let mut s = LoadingScreens::new();
        let id = s.create_loading_screen("A", "", 4, 0.0).unwrap();
        s.update_loading_progress(id, 2, 1.0).unwrap();
        assert!(matches!(
            s.update_loading_progress(id, 5, 2.0),
            Err(StreamingError::InvalidArgument(_))
        ));
        assert!(matches!(
            s.update_loading_progress(id, 3, f64::INFINITY),
            Err(StreamingError::NonFiniteValue { what: "now" })
        ));
        let screen = s.get(id).unwrap();
        assert_eq!(screen.assets_loaded, 2);
        assert_eq!(screen.progress_updated_at, 1.0);
    }

    #[test]
    fn eta_from_observed_rate() {
        let mut s = LoadingScreens::new();
        let id = s.create_loading_screen("A", "", 10, 0.0).unwrap();
        assert_eq!(s.show_loading_screen(id, 0.0), Ok(true));
        // Nothing loaded yet: no rate.
        assert_eq!(s.get(id).unwrap().eta_seconds(0.5), None);
        s.update_loading_progress(id, 2, 1.0).unwrap();
        let screen = s.get(id).unwrap();
        // 2 assets in 1 s = 2/s; 8 left -> 4 s.
        assert_eq!(screen.eta_seconds(1.0), Some(4.0));
        // A second later with no more progress: 1/s -> 8 s.
        assert_eq!(screen.eta_seconds(2.0), Some(8.0));
        s.update_loading_progress(id, 5, 2.0).unwrap();
        // 5 in 2 s = 2.5/s; 5 left -> 2 s.
        assert_eq!(s.get(id).unwrap().eta_seconds(2.0), Some(2.0));
        s.update_loading_progress(id, 10, 3.0).unwrap();
        assert_eq!(s.get(id).unwrap().eta_seconds(3.0), Some(0.0));
    }

    #[test]
    fn eta_counts_only_assets_loaded_since_shown() {
        let mut s = LoadingScreens::new();
        let id = s.create_loading_screen("A", "", 10, 0.0).unwrap();
        s.update_loading_progress(id, 5, 1.0).unwrap();
        // Never shown: no ETA.
        assert_eq!(s.get(id).unwrap().eta_seconds(5.0), None);
        s.show_loading_screen(id, 10.0).unwrap();
        assert_eq!(s.get(id).unwrap().assets_loaded_at_show, 5);
        assert_eq!(s.get(id).unwrap().eta_seconds(11.0), None);
        s.update_loading_progress(id, 6, 12.0).unwrap();
        // 1 asset in 2 s; 4 left -> 8 s.
        assert_eq!(s.get(id).unwrap().eta_seconds(12.0), Some(8.0));
        // Progress going back below the count at show: no rate.
        s.update_loading_progress(id, 4, 13.0).unwrap();
        assert_eq!(s.get(id).unwrap().eta_seconds(13.0), None);
        // A screen with no assets is done.
        let empty = s.create_loading_screen("E", "", 0, 0.0).unwrap();
        assert_eq!(s.get(empty).unwrap().eta_seconds(0.0), Some(0.0));
    }

    #[test]
    fn elapsed_runs_while_shown_and_freezes_at_hide() {
        let mut s = LoadingScreens::new();
        let id = s.create_loading_screen("A", "", 10, 0.0).unwrap();
        s.show_loading_screen(id, 2.0).unwrap();
        assert_eq!(s.get(id).unwrap().elapsed(5.0), 3.0);
        // Showing again while visible changes nothing.
        assert_eq!(s.show_loading_screen(id, 4.0), Ok(true));
        assert_eq!(s.get(id).unwrap().shown_at, Some(2.0));
        s.update_loading_progress(id, 2, 4.0).unwrap();
        s.hide_loading_screen(id, 6.0).unwrap();
        let screen = s.get(id).unwrap();
        assert!(!screen.visible);
        assert_eq!(screen.hidden_at, Some(6.0));
        assert_eq!(screen.elapsed(100.0), 4.0);
        // ETA frozen too: 2 assets in 4 s, 8 left -> 16 s.
        assert_eq!(screen.eta_seconds(100.0), Some(16.0));
        // Hiding again changes nothing.
        s.hide_loading_screen(id, 7.0).unwrap();
        assert_eq!(s.get(id).unwrap().hidden_at, Some(6.0));
        // Showing again starts over.
        s.show_loading_screen(id, 10.0).unwrap();
        let screen = s.get(id).unwrap();
        assert_eq!((screen.shown_at, screen.hidden_at), (Some(10.0), None));
        assert_eq!(screen.elapsed(11.0), 1.0);
        assert_eq!(screen.eta_seconds(11.0), None);
        // A clock before shown_at never gives negative time.
        assert_eq!(screen.elapsed(9.0), 0.0);
    }

    #[test]
    fn tips_rotate_every_five_seconds_of_showing() {
        let mut s = LoadingScreens::new();
        let id = s.create_loading_screen("A", "", 10, 0.0).unwrap();
        for tip in ["one", "two", "three"] {
            s.add_tip(id, tip).unwrap();
        }
        // Never shown: the first tip.
        assert_eq!(s.get(id).unwrap().current_tip(50.0), Some("one"));
        s.show_loading_screen(id, 100.0).unwrap();
        let screen = s.get(id).unwrap();
        assert_eq!(screen.current_tip(100.0), Some("one"));
        assert_eq!(screen.current_tip(104.999), Some("one"));
        assert_eq!(screen.current_tip(105.0), Some("two"));
        assert_eq!(screen.current_tip(110.0), Some("three"));
        assert_eq!(screen.current_tip(114.9), Some("three"));
        assert_eq!(screen.current_tip(115.0), Some("one"));
        assert_eq!(screen.current_tip(135.0), Some("two"));
        // Frozen while hidden.
        s.hide_loading_screen(id, 106.0).unwrap();
        assert_eq!(s.get(id).unwrap().current_tip(200.0), Some("two"));
        assert_eq!(TIP_ROTATION_SECONDS, 5.0);
    }

    #[test]
    fn add_tip_is_validated() {
        let mut s = LoadingScreens::new();
        let id = s.create_loading_screen("A", "", 1, 0.0).unwrap();
        assert!(matches!(
            s.add_tip(id, ""),
            Err(StreamingError::InvalidArgument(_))
        ));
        assert!(matches!(
            s.add_tip(id, "a\0"),
            Err(StreamingError::InvalidArgument(_))
        ));
        assert_eq!(s.add_tip(LoadingScreenId(9), "hi"), Err(not_found_err(9)));
        assert!(s.get(id).unwrap().tips.is_empty());
    }

    #[test]
    fn bound_screen_follows_levels_and_hides_only_when_all_active() {
        let (l1, l2, l3, other) = (LevelId(1), LevelId(2), LevelId(3), LevelId(9));
        let mut s = LoadingScreens::new();
        let id = s
            .create_bound_loading_screen("Town", "", &[(l1, false), (l2, true), (l3, false)], 0.0)
            .unwrap();
        let screen = s.get(id).unwrap();
        assert!(screen.is_bound());
        assert_eq!((screen.total_assets, screen.assets_loaded), (3, 1));
        assert_eq!(screen.pending_levels().collect::<Vec<_>>(), [l1, l3]);
        assert_eq!(s.show_loading_screen(id, 0.0), Ok(true));

        let mut hidden = Vec::new();
        s.on_level_state(other, true, 1.0, &mut hidden);
        assert_eq!(s.get(id).unwrap().assets_loaded, 1);
        s.on_level_state(l1, true, 1.0, &mut hidden);
        assert_eq!(s.get(id).unwrap().assets_loaded, 2);
        // Reported active twice: counted once.
        s.on_level_state(l1, true, 1.5, &mut hidden);
        assert_eq!(s.get(id).unwrap().assets_loaded, 2);
        // l2 leaves Active before the screen is done: un-marked.
        s.on_level_state(l2, false, 2.0, &mut hidden);
        assert_eq!(s.get(id).unwrap().assets_loaded, 1);
        s.on_level_state(l3, true, 3.0, &mut hidden);
        let screen = s.get(id).unwrap();
        assert_eq!(screen.assets_loaded, 2);
        assert!(screen.visible);
        assert!(hidden.is_empty());
        assert_eq!(screen.pending_levels().collect::<Vec<_>>(), [l2]);
        // 1 active at show, 2 now: 1 level in 3 s, 1 left -> 3 s.
        assert_eq!(screen.eta_seconds(3.0), Some(3.0));

        s.on_level_state(l2, true, 4.0, &mut hidden);
        assert_eq!(hidden, [id]);
        let screen = s.get(id).unwrap();
        assert!(!screen.visible);
        assert!(screen.auto_hidden);
        assert_eq!(screen.hidden_at, Some(4.0));
        assert_eq!(screen.progress(), 1.0);
        assert_eq!(screen.elapsed(50.0), 4.0);

        // Done: it no longer follows its levels.
        s.on_level_state(l1, false, 5.0, &mut hidden);
        assert_eq!(s.get(id).unwrap().assets_loaded, 3);
        assert_eq!(hidden, [id]);
    }

    #[test]
    fn hidden_bound_screen_tracks_but_does_not_auto_hide() {
        let mut s = LoadingScreens::new();
        let id = s
            .create_bound_loading_screen("A", "", &[(LevelId(0), false)], 0.0)
            .unwrap();
        let mut hidden = Vec::new();
        s.on_level_state(LevelId(0), true, 1.0, &mut hidden);
        assert!(hidden.is_empty());
        let screen = s.get(id).unwrap();
        assert_eq!(screen.progress(), 1.0);
        assert!(!screen.auto_hidden);
        assert_eq!(screen.progress_updated_at, 1.0);
        // Showing a bound screen with nothing left to wait for hides it at once.
        assert_eq!(s.show_loading_screen(id, 2.0), Ok(false));
        let screen = s.get(id).unwrap();
        assert!(!screen.visible);
        assert!(screen.auto_hidden);
        assert_eq!((screen.shown_at, screen.hidden_at), (Some(2.0), Some(2.0)));
    }

    #[test]
    fn bound_screen_hidden_by_hand_keeps_following_levels() {
        let mut s = LoadingScreens::new();
        let id = s
            .create_bound_loading_screen("A", "", &[(LevelId(0), false), (LevelId(1), false)], 0.0)
            .unwrap();
        s.show_loading_screen(id, 0.0).unwrap();
        s.hide_loading_screen(id, 1.0).unwrap();
        let mut hidden = Vec::new();
        s.on_level_state(LevelId(0), true, 2.0, &mut hidden);
        assert_eq!(s.get(id).unwrap().assets_loaded, 1);
        assert!(!s.get(id).unwrap().auto_hidden);
        assert_eq!(s.show_loading_screen(id, 3.0), Ok(true));
        s.on_level_state(LevelId(1), true, 4.0, &mut hidden);
        assert_eq!(hidden, [id]);
    }

    #[test]
    fn several_bound_screens_share_a_level() {
        let mut s = LoadingScreens::new();
        let manual = s.create_loading_screen("M", "", 3, 0.0).unwrap();
        let a = s
            .create_bound_loading_screen("A", "", &[(LevelId(5), false)], 0.0)
            .unwrap();
        let b = s
            .create_bound_loading_screen("B", "", &[(LevelId(6), true), (LevelId(5), false)], 0.0)
            .unwrap();
        for id in [manual, a, b] {
            s.show_loading_screen(id, 0.0).unwrap();
        }
        let mut hidden = vec![LoadingScreenId(99)];
        s.on_level_state(LevelId(5), true, 1.0, &mut hidden);
        // Appended in id order; existing contents kept.
        assert_eq!(hidden, [LoadingScreenId(99), a, b]);
        assert!(s.get(manual).unwrap().visible);
        assert_eq!(s.get(manual).unwrap().assets_loaded, 0);
    }

    #[test]
    fn manual_update_refused_on_bound_screen() {
        let mut s = LoadingScreens::new();
        let id = s
            .create_bound_loading_screen("A", "", &[(LevelId(0), false), (LevelId(1), false)], 0.0)
            .unwrap();
        assert!(matches!(
            s.update_loading_progress(id, 1, 1.0),
            Err(StreamingError::InvalidArgument(_))
        ));
        assert_eq!(s.get(id).unwrap().assets_loaded, 0);
    }

    #[test]
    fn unknown_ids_are_not_found() {
        let mut s = LoadingScreens::new();
        let id = s.create_loading_screen("A", "", 1, 0.0).unwrap();
        let ghost = LoadingScreenId(42);
        assert_eq!(s.show_loading_screen(ghost, 0.0), Err(not_found_err(42)));
        assert_eq!(s.hide_loading_screen(ghost, 0.0), Err(not_found_err(42)));
        assert_eq!(
            s.update_loading_progress(ghost, 0, 0.0),
            Err(not_found_err(42))
        );
        assert_eq!(s.remove(ghost), Err(not_found_err(42)));
        assert!(s.get(ghost).is_none());
        s.remove(id).unwrap();
        assert_eq!(s.show_loading_screen(id, 0.0), Err(not_found_err(1)));
        assert_eq!(s.remove(id), Err(not_found_err(1)));
        assert_eq!(
            not_found_err(42).to_string(),
            "no loading screen named '42'"
        );
        // An invalid clock is refused before the id is looked up.
        assert_eq!(
            s.show_loading_screen(ghost, f64::NAN),
            Err(StreamingError::NonFiniteValue { what: "now" })
        );
    }

    #[test]
    fn screen_serializes() {
        let mut s = LoadingScreens::new();
        let id = s
            .create_bound_loading_screen("A", "d", &[(LevelId(3), true), (LevelId(4), false)], 1.0)
            .unwrap();
        let v = serde_json::to_value(s.get(id).unwrap()).unwrap();
        assert_eq!(v["id"], 1);
        assert_eq!(v["title"], "A");
        assert_eq!(v["bound_levels"], serde_json::json!([3, 4]));
        assert_eq!(v["bound_levels_done"], serde_json::json!([true, false]));
        assert_eq!(v["shown_at"], serde_json::Value::Null);
    }
}
