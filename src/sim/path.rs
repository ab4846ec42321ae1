//! How the simulated streaming sources move: a built-in tour, a random walk
//! with teleports, or waypoints from a CSV or JSON path file.
//!
//! A source that waits behind a loading screen (at the start and after a
//! teleport, see [`super::Simulation`]) does not move; its path resumes
//! where it stopped.

use serde::{Deserialize, Serialize};

use crate::core::{Priority, StreamingSource, Vec3};
use crate::world::WorldFile;

use super::rng::Rng;

/// Which path the sources follow.
#[derive(Clone, Debug, PartialEq)]
pub enum PathSpec {
    /// A loop through the world's most important volumes (CRITICAL and HIGH;
    /// all volumes if there are fewer than two), nearest neighbour first,
    /// starting near the first authored source. Sources are spread along it.
    Tour,
    /// Each source wanders with a slowly turning heading inside the world's
    /// bounds and teleports to a random tour stop now and then.
    RandomWalk {
        /// Mean teleports per source per minute of game time.
        teleports_per_minute: f64,
    },
    /// Timed waypoints from a path file.
    Waypoints(PathFile),
}

/// A path file: timed waypoints per source (JSON form; the CSV form has the
/// columns `time,source,x,y,z[,teleport]`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathFile {
    /// One entry per source.
    pub sources: Vec<PathSource>,
}

/// The waypoints of one source.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathSource {
    /// Its name.
    pub name: String,
    /// Its priority (default NORMAL).
    #[serde(default)]
    pub priority: Priority,
    /// Waypoints in increasing time.
    pub waypoints: Vec<Waypoint>,
}

/// A timed position. Between waypoints a source moves in a straight line;
/// a waypoint with `teleport` is jumped to at its time instead.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Waypoint {
    /// Seconds of path time.
    pub t: f64,
    /// X.
    pub x: f64,
    /// Y.
    pub y: f64,
    /// Z.
    pub z: f64,
    /// Jump here instead of moving.
    #[serde(default)]
    pub teleport: bool,
}

impl Waypoint {
    fn position(&self) -> Vec3 {
        Vec3::new(self.x, self.y, self.z)
    }
}

impl PathFile {
    /// Parses the JSON form.
    pub fn from_json(text: &str) -> Result<PathFile, String> {
        let file: PathFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
        file.validate()?;
        Ok(file)
    }

    /// Parses the CSV form: a header `time,source,x,y,z` (optionally
    /// `,teleport` with 0/1/true/false), then one waypoint a line. Sources
    /// appear in order of first mention.
    pub fn from_csv(text: &str) -> Result<PathFile, String> {
        let mut lines = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
        let (_, header) = lines.next().ok_or("empty path file")?;
        let columns: Vec<&str> = header.split(',').map(str::trim).collect();
        if columns.len() < 5 || columns[..5] != ["time", "source", "x", "y", "z"] {
            return Err("the header must be `time,source,x,y,z[,teleport]`".into());
        }
        let has_teleport = columns.get(5) == Some(&"teleport");
        let mut file = PathFile { sources: vec![] };
        for (n, line) in lines {
            let at = |msg: String| format!("line {}: {msg}", n + 1);
            let cells: Vec<&str> = line.split(',').map(str::trim).collect();
            if cells.len() < 5 {
                return Err(at("expected time,source,x,y,z".into()));
            }
            let num = |i: usize| -> Result<f64, String> {
                cells[i]
                    .parse::<f64>()
                    .map_err(|e| at(format!("column {}: {e}", i + 1)))
            };
            let teleport =
                has_teleport && matches!(cells.get(5).copied(), Some("1" | "true" | "yes"));
            let waypoint = Waypoint {
                t: num(0)?,
                x: num(2)?,
                y: num(3)?,
                z: num(4)?,
                teleport,
            };
            let name = cells[1].to_string();
            match file.sources.iter_mut().find(|s| s.name == name) {
                Some(s) => s.waypoints.push(waypoint),
                None => file.sources.push(PathSource {
                    name,
                    priority: Priority::Normal,
                    waypoints: vec![waypoint],
                }),
            }
        }
        file.validate()?;
        Ok(file)
    }

    fn validate(&self) -> Result<(), String> {
        if self.sources.is_empty() {
            return Err("the path file has no source".into());
        }
        for s in &self.sources {
            if s.waypoints.is_empty() {
                return Err(format!("source '{}' has no waypoint", s.name));
            }
            for (i, w) in s.waypoints.iter().enumerate() {
                if ![w.t, w.x, w.y, w.z].iter().all(|v| v.is_finite()) {
                    return Err(format!(
                        "source '{}' waypoint {i}: not a finite number",
                        s.name
                    ));
                }
                if i > 0 && w.t < s.waypoints[i - 1].t {
                    return Err(format!("source '{}' waypoint {i}: time goes back", s.name));
                }
            }
        }
        Ok(())
    }
}

#[derive(Clone, Debug)]
enum Motion {
    Loop {
        stops: Vec<Vec3>,
        /// Distance along the loop at each stop.
        cumulative: Vec<f64>,
        total: f64,
        s: f64,
        speed: f64,
    },
    Walk {
        heading: f64,
        speed: f64,
        teleport_rate: f64,
    },
    Timed {
        waypoints: Vec<Waypoint>,
        t: f64,
        /// Index of the next waypoint not yet passed.
        next: usize,
    },
}

#[derive(Clone, Debug)]
struct Mover {
    position: Vec3,
    velocity: Vec3,
    priority: Priority,
    motion: Motion,
}

/// A teleport: source index, from, to.
pub type Teleport = (usize, Vec3, Vec3);

/// Moves the sources along their paths.
#[derive(Clone, Debug)]
pub struct SourceMotion {
    movers: Vec<Mover>,
    names: Vec<String>,
    /// Tour stops (also the random walk's teleport targets).
    stops: Vec<Vec3>,
    bounds: (Vec3, Vec3),
}

/// The tour stops of a world, in visiting order (see [`PathSpec::Tour`]).
pub fn tour_stops(world: &WorldFile) -> Vec<Vec3> {
    let mut candidates: Vec<Vec3> = world
        .volumes
        .iter()
        .filter(|v| v.enabled && v.priority <= Priority::High)
        .map(|v| v.center.into())
        .collect();
    if candidates.len() < 2 {
        candidates = world.volumes.iter().map(|v| v.center.into()).collect();
    }
    candidates.truncate(256);
    if candidates.is_empty() {
        return vec![Vec3::ZERO];
    }
    let start = world
        .sources
        .first()
        .map(|s| Vec3::from(s.position))
        .unwrap_or(candidates[0]);
    let mut order = Vec::with_capacity(candidates.len());
    let mut at = start;
    while !candidates.is_empty() {
        let (i, _) = candidates
            .iter()
            .enumerate()
            .map(|(i, c)| (i, c.distance_squared(&at)))
            .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
            .expect("not empty");
        at = candidates.remove(i);
        order.push(at);
    }
    order
}

fn world_bounds(world: &WorldFile) -> (Vec3, Vec3) {
    let mut lo = Vec3::new(f64::INFINITY, f64::INFINITY, f64::INFINITY);
    let mut hi = Vec3::new(f64::NEG_INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY);
    for v in &world.volumes {
        lo = Vec3::new(
            lo.x.min(v.center.x),
            lo.y.min(v.center.y),
            lo.z.min(v.center.z),
        );
        hi = Vec3::new(
            hi.x.max(v.center.x),
            hi.y.max(v.center.y),
            hi.z.max(v.center.z),
        );
    }
    if !lo.is_finite() {
        return (
            Vec3::new(-1000.0, -1000.0, 0.0),
            Vec3::new(1000.0, 1000.0, 0.0),
        );
    }
    (lo, hi)
}

/// Speed factor of source `i` on a shared tour (so they do not bunch up).
fn speed_factor(i: usize) -> f64 {
    [1.0, 0.7, 0.85, 0.55][i % 4]
}

impl SourceMotion {
    /// Sets up `count` sources (at least one; for a path file, its sources)
    /// with priorities and start positions from the world's authored
    /// sources where there are any.
    pub fn new(
        spec: &PathSpec,
        world: &WorldFile,
        count: usize,
        speed: f64,
        rng: &mut Rng,
    ) -> Result<SourceMotion, String> {
        if !(speed.is_finite() && speed >= 0.0) {
            return Err(format!("speed must be a finite number >= 0 (got {speed})"));
        }
        let stops = tour_stops(world);
        let bounds = world_bounds(world);
        let count = count.max(1);
        let authored = |i: usize| world.sources.get(i);
        let mut movers = Vec::new();
        let mut names = Vec::new();
        match spec {
            PathSpec::Tour => {
                let mut closed = stops.clone();
                closed.push(stops[0]);
                let mut cumulative = vec![0.0];
                for w in closed.windows(2) {
                    let last = *cumulative.last().expect("not empty");
                    cumulative.push(last + w[0].distance(&w[1]));
                }
                let total = *cumulative.last().expect("not empty");
                for i in 0..count {
                    let s = total * i as f64 / count as f64;
                    let mut mover = Mover {
                        position: closed[0],
                        velocity: Vec3::ZERO,
                        priority: authored(i).map_or(Priority::Normal, |a| a.priority),
                        motion: Motion::Loop {
                            stops: closed.clone(),
                            cumulative: cumulative.clone(),
                            total,
                            s,
                            speed: speed * speed_factor(i),
                        },
                    };
                    mover.step(0.0, rng, &stops, bounds);
                    movers.push(mover);
                    names.push(authored(i).map_or(format!("source{i}"), |a| a.name.clone()));
                }
            }
            PathSpec::RandomWalk {
                teleports_per_minute,
            } => {
                if !(teleports_per_minute.is_finite() && *teleports_per_minute >= 0.0) {
                    return Err("teleports per minute must be a finite number >= 0".into());
                }
                for i in 0..count {
                    let position = authored(i)
                        .map(|a| Vec3::from(a.position))
                        .unwrap_or(stops[rng.below(stops.len())]);
                    movers.push(Mover {
                        position,
                        velocity: Vec3::ZERO,
                        priority: authored(i).map_or(Priority::Normal, |a| a.priority),
                        motion: Motion::Walk {
                            heading: rng.range(0.0, std::f64::consts::TAU),
                            speed: speed * speed_factor(i),
                            teleport_rate: teleports_per_minute / 60.0,
                        },
                    });
                    names.push(authored(i).map_or(format!("source{i}"), |a| a.name.clone()));
                }
            }
            PathSpec::Waypoints(file) => {
                for s in &file.sources {
                    movers.push(Mover {
                        position: s.waypoints[0].position(),
                        velocity: Vec3::ZERO,
                        priority: s.priority,
                        motion: Motion::Timed {
                            waypoints: s.waypoints.clone(),
                            t: s.waypoints[0].t,
                            next: 1,
                        },
                    });
                    names.push(s.name.clone());
                }
            }
        }
        Ok(SourceMotion {
            movers,
            names,
            stops,
            bounds,
        })
    }

    /// Number of sources.
    pub fn len(&self) -> usize {
        self.movers.len()
    }

    /// True when there is no source (never, after `new`).
    pub fn is_empty(&self) -> bool {
        self.movers.is_empty()
    }

    /// Names of the sources.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The tour stops (in visiting order).
    pub fn stops(&self) -> &[Vec3] {
        &self.stops
    }

    /// The sources as the manager sees them now.
    pub fn sources_into(&self, out: &mut Vec<StreamingSource>) {
        out.clear();
        out.extend(self.movers.iter().map(|m| {
            let mut source = StreamingSource::at(m.position);
            source.velocity = m.velocity;
            source.priority = m.priority;
            source
        }));
    }

    /// Advances every source not `held` by `dt` seconds; teleports are
    /// appended to `teleports`.
    pub fn advance(
        &mut self,
        dt: f64,
        held: &[bool],
        rng: &mut Rng,
        teleports: &mut Vec<Teleport>,
    ) {
        for (i, mover) in self.movers.iter_mut().enumerate() {
            if held.get(i).copied().unwrap_or(false) {
                mover.velocity = Vec3::ZERO;
                continue;
            }
            let from = mover.position;
            if mover.step(dt, rng, &self.stops, self.bounds) {
                teleports.push((i, from, mover.position));
            }
        }
    }
}

impl Mover {
    /// Moves by `dt`; true if the move was a teleport.
    fn step(&mut self, dt: f64, rng: &mut Rng, stops: &[Vec3], bounds: (Vec3, Vec3)) -> bool {
        match &mut self.motion {
            Motion::Loop {
                stops,
                cumulative,
                total,
                s,
                speed,
            } => {
                if *total <= 0.0 {
                    self.velocity = Vec3::ZERO;
                    return false;
                }
                *s = (*s + *speed * dt) % *total;
                let k = cumulative
                    .partition_point(|c| *c <= *s)
                    .clamp(1, stops.len() - 1);
                let (a, b) = (stops[k - 1], stops[k]);
                let len = cumulative[k] - cumulative[k - 1];
                let f = if len > 0.0 {
                    (*s - cumulative[k - 1]) / len
                } else {
                    0.0
                };
                self.position = Vec3::new(
                    a.x + (b.x - a.x) * f,
                    a.y + (b.y - a.y) * f,
                    a.z + (b.z - a.z) * f,
                );
                self.velocity = if len > 0.0 {
                    Vec3::new(
                        (b.x - a.x) / len * *speed,
                        (b.y - a.y) / len * *speed,
                        (b.z - a.z) / len * *speed,
                    )
                } else {
                    Vec3::ZERO
                };
                false
            }
            Motion::Walk {
                heading,
                speed,
                teleport_rate,
            } => {
                if rng.chance(*teleport_rate * dt) {
                    self.position = stops[rng.below(stops.len())];
                    self.velocity = Vec3::ZERO;
                    return true;
                }
                *heading += rng.range(-1.0, 1.0) * 2.0 * dt;
                let (lo, hi) = bounds;
                let mut next = Vec3::new(
                    self.position.x + heading.cos() * *speed * dt,
                    self.position.y + heading.sin() * *speed * dt,
                    self.position.z,
                );
                if next.x < lo.x || next.x > hi.x || next.y < lo.y || next.y > hi.y {
                    // Turn back into the world.
                    *heading += std::f64::consts::PI;
                    next = self.position;
                }
                self.velocity = Vec3::new(heading.cos() * *speed, heading.sin() * *speed, 0.0);
                self.position = next;
                false
            }
            Motion::Timed { waypoints, t, next } => {
                *t += dt;
                let mut teleported = false;
                while *next < waypoints.len() && waypoints[*next].t <= *t {
                    if waypoints[*next].teleport {
                        teleported = true;
                    }
                    *next += 1;
                }
                let last = waypoints[*next - 1];
                if *next >= waypoints.len() {
                    self.position = last.position();
                    self.velocity = Vec3::ZERO;
                } else {
                    let to = waypoints[*next];
                    if to.teleport || to.t <= last.t {
                        self.position = last.position();
                        self.velocity = Vec3::ZERO;
                    } else {
                        let f = (*t - last.t) / (to.t - last.t);
                        let (a, b) = (last.position(), to.position());
                        self.position = Vec3::new(
                            a.x + (b.x - a.x) * f,
                            a.y + (b.y - a.y) * f,
                            a.z + (b.z - a.z) * f,
                        );
                        let span = to.t - last.t;
                        self.velocity =
                            Vec3::new((b.x - a.x) / span, (b.y - a.y) / span, (b.z - a.z) / span);
                    }
                }
                let _ = (stops, bounds);
                teleported
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_and_json_paths_parse_to_the_same_waypoints() {
        let csv =
            "time,source,x,y,z,teleport\n0,cam,0,0,0,0\n10,cam,100,0,0,0\n10.5,cam,5000,0,0,1\n";
        let from_csv = PathFile::from_csv(csv).unwrap();
        let json = r#"{"sources":[{"name":"cam","waypoints":[
            {"t":0,"x":0,"y":0,"z":0},{"t":10,"x":100,"y":0,"z":0},
            {"t":10.5,"x":5000,"y":0,"z":0,"teleport":true}]}]}"#;
        assert_eq!(from_csv, PathFile::from_json(json).unwrap());
        assert!(PathFile::from_csv("t,s,x\n").is_err());
        assert!(PathFile::from_csv("time,source,x,y,z\n0,a,1,2,nope\n")
            .unwrap_err()
            .contains("line 2"));
    }

    #[test]
    fn timed_paths_interpolate_and_report_teleports() {
        let csv =
            "time,source,x,y,z,teleport\n0,cam,0,0,0,0\n10,cam,100,0,0,0\n11,cam,5000,0,0,1\n";
        let spec = PathSpec::Waypoints(PathFile::from_csv(csv).unwrap());
        let world = WorldFile::default();
        let mut rng = Rng::new(1);
        let mut m = SourceMotion::new(&spec, &world, 1, 0.0, &mut rng).unwrap();
        let mut tp = Vec::new();
        m.advance(5.0, &[false], &mut rng, &mut tp);
        let mut s = Vec::new();
        m.sources_into(&mut s);
        assert_eq!(s[0].position, Vec3::new(50.0, 0.0, 0.0));
        assert_eq!(s[0].velocity, Vec3::new(10.0, 0.0, 0.0));
        m.advance(6.0, &[false], &mut rng, &mut tp);
        assert_eq!(tp.len(), 1);
        m.sources_into(&mut s);
        assert_eq!(s[0].position, Vec3::new(5000.0, 0.0, 0.0));
        // Held sources do not move.
        m.advance(6.0, &[true], &mut rng, &mut tp);
        assert_eq!(tp.len(), 1);
    }

    #[test]
    fn the_tour_visits_the_demo_hubs_and_loops() {
        let world = super::super::demo::demo_world();
        let stops = tour_stops(&world);
        assert_eq!(stops.len(), 9);
        let mut rng = Rng::new(3);
        let mut m = SourceMotion::new(&PathSpec::Tour, &world, 2, 30.0, &mut rng).unwrap();
        let mut s = Vec::new();
        m.sources_into(&mut s);
        assert_eq!(s[0].position, stops[0]);
        let mut tp = Vec::new();
        m.advance(1.0, &[false, false], &mut rng, &mut tp);
        let mut s2 = Vec::new();
        m.sources_into(&mut s2);
        assert!((s2[0].position.distance(&s[0].position) - 30.0).abs() < 1e-9);
        assert!(tp.is_empty());
    }
}
