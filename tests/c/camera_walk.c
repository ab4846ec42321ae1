/*
 * camera_walk.c - C99 acceptance test of the level streaming C API.
 *
 * Builds a world of 1,000 streaming volumes over ~600 levels, walks a fast
 * camera across it and a slower second player around it for 3,600 frames,
 * and acts as the host: every frame it calls lsm_update, then takes and
 * completes (successfully) every request until none is pending.
 *
 * After every frame it checks the library against a brute-force model kept
 * here in C: per volume the exact wanting rule of src/core/volume.rs
 *   d = min over sources of max(0, |source - centre| - radius)
 *   wants = d <= load ? true : d > unload ? false : previous
 * (disabled volumes never want), a level is wanted when any of its volumes
 * wants it or it is pinned by lsm_load_level, and after the host drained all
 * requests every wanted level must be ACTIVE and every other one UNLOADED.
 *
 * It also checks the event stream (polled and delivered to callbacks), the
 * request stream (kinds match states, the in-flight load cap holds) and
 * toggles, moves, resizes and removes volumes and pins levels on the way.
 *
 * Exit status 0 on success; 1 with a message on stderr on any mismatch.
 * Built and run by tests/c_api.rs.
 */

/* Included twice on purpose: the include guard must make this harmless. */
#include "level_streaming.h"
#include "level_streaming.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NUM_VOLUMES 1000
#define NUM_WORLD_LEVELS 600
/* World levels, then the far level (one volume outside the world) and a
 * registered level with no volume at all. */
#define FAR_LEVEL NUM_WORLD_LEVELS
#define VISTA_LEVEL (NUM_WORLD_LEVELS + 1)
#define NUM_LEVELS (NUM_WORLD_LEVELS + 2)
#define FAR_VOLUME (NUM_VOLUMES - 1)
#define FRAMES 3600
#define MAX_LOADS_IN_FLIGHT 4u
#define UNLOAD_FACTOR 1.25
#define NUM_SOURCES 2
#define REQUEST_BATCH 1024
#define EVENT_BATCH 256

typedef struct Volume {
    char name[32];
    int level;
    double cx, cy, cz;
    double radius, load, unload;
    bool enabled;
    bool removed;
    bool wants;
    uint32_t id;
} Volume;

typedef struct Level {
    char name[48];
    uint32_t id;
    bool pinned;
    /* State as told by LEVEL_STATE_CHANGED events. */
    LsmStreamingState tracked;
} Level;

typedef struct CallbackCounts {
    unsigned long all;
    unsigned long state_changed;
    unsigned long complete_only;
} CallbackCounts;

static LsmManager *g_manager = NULL;
static Volume g_volumes[NUM_VOLUMES];
static Level g_levels[NUM_LEVELS];
/* Level index by manager level id (ids are dense, 0 .. count-1). */
static int g_level_of_id[NUM_LEVELS];
static bool g_wanted[NUM_LEVELS];
static CallbackCounts g_callbacks;
static int g_frame = -1;

/* Statistics for the summary. */
static unsigned long g_loads, g_unloads, g_make_visible, g_hides;
static unsigned long g_events, g_state_events, g_complete_events, g_source_state_events;
static unsigned long g_requests_taken;
static uint64_t g_last_request_id;
static size_t g_max_active;
static size_t g_max_loads_in_batch;

static void fail(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "camera_walk: FAILED at frame %d: ", g_frame);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    /* Free the manager so that LeakSanitizer does not bury the message. */
    lsm_manager_destroy(g_manager);
    g_manager = NULL;
    exit(1);
}

static void check_ok(LsmStatus status, const char *call, int line)
{
    if (status != LSM_STATUS_OK) {
        char message[512];
        lsm_last_error_message(message, sizeof message);
        fail("line %d: %s returned status %u (%s)", line, call, (unsigned)status, message);
    }
}

#define CHECK_OK(call) check_ok((call), #call, __LINE__)

static const char *state_name(LsmStreamingState s)
{
    switch (s) {
    case LSM_STREAMING_STATE_UNLOADED: return "UNLOADED";
    case LSM_STREAMING_STATE_LOADING: return "LOADING";
    case LSM_STREAMING_STATE_LOADED: return "LOADED";
    case LSM_STREAMING_STATE_ACTIVE: return "ACTIVE";
    case LSM_STREAMING_STATE_UNLOADING: return "UNLOADING";
    case LSM_STREAMING_STATE_HIDDEN: return "HIDDEN";
    default: return "<invalid state>";
    }
}

/* The state machine of src/core/types.rs (StreamingState::can_transition_to). */
static bool legal_transition(LsmStreamingState from, LsmStreamingState to)
{
    switch (from) {
    case LSM_STREAMING_STATE_UNLOADED: return to == LSM_STREAMING_STATE_LOADING;
    case LSM_STREAMING_STATE_LOADING:
        return to == LSM_STREAMING_STATE_LOADED || to == LSM_STREAMING_STATE_UNLOADED;
    case LSM_STREAMING_STATE_LOADED:
        return to == LSM_STREAMING_STATE_ACTIVE || to == LSM_STREAMING_STATE_UNLOADING;
    case LSM_STREAMING_STATE_ACTIVE:
        return to == LSM_STREAMING_STATE_HIDDEN || to == LSM_STREAMING_STATE_UNLOADING;
    case LSM_STREAMING_STATE_HIDDEN:
        return to == LSM_STREAMING_STATE_ACTIVE || to == LSM_STREAMING_STATE_UNLOADING;
    case LSM_STREAMING_STATE_UNLOADING: return to == LSM_STREAMING_STATE_UNLOADED;
    default: return false;
    }
}

/* splitmix64: deterministic on every platform. */
static uint64_t g_rng = 0x5EED5EEDCAFEF00Dull;

static uint64_t next_u64(void)
{
    uint64_t z = (g_rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [lo, hi). */
static double uniform(double lo, double hi)
{
    return lo + (hi - lo) * ((double)(next_u64() >> 11) * (1.0 / 9007199254740992.0));
}

static LsmStreamingState level_state(int level)
{
    LsmStreamingState state = 0xDEADu;
    CHECK_OK(lsm_get_level_state_by_id(g_manager, g_levels[level].id, &state));
    return state;
}

static int level_index(uint32_t level_id)
{
    if (level_id >= NUM_LEVELS || g_level_of_id[level_id] < 0) {
        fail("unexpected level id %u", (unsigned)level_id);
    }
    return g_level_of_id[level_id];
}

/* ----- events ------------------------------------------------------------ */

static void on_event(const LsmEvent *event, void *user_data)
{
    CallbackCounts *counts = (CallbackCounts *)user_data;
    counts->all++;
    if (event->kind == LSM_EVENT_KIND_LEVEL_STATE_CHANGED) {
        counts->state_changed++;
    }
}

static void on_complete(const LsmEvent *event, void *user_data)
{
    CallbackCounts *counts = (CallbackCounts *)user_data;
    if (event->kind != LSM_EVENT_KIND_STREAMING_COMPLETE) {
        fail("STREAMING_COMPLETE-only callback got event kind %u", (unsigned)event->kind);
    }
    counts->complete_only++;
}

static void poll_events(void)
{
    LsmEvent events[EVENT_BATCH];
    size_t n;
    do {
        size_t i;
        n = (size_t)-1;
        CHECK_OK(lsm_poll_events(g_manager, events, EVENT_BATCH, &n));
        if (n > EVENT_BATCH) {
            fail("lsm_poll_events reported %lu events for a buffer of %d", (unsigned long)n, EVENT_BATCH);
        }
        for (i = 0; i < n; i++) {
            const LsmEvent *e = &events[i];
            g_events++;
            switch (e->kind) {
            case LSM_EVENT_KIND_LEVEL_STATE_CHANGED: {
                int level = level_index(e->level_id);
                g_state_events++;
                if (e->old_state != g_levels[level].tracked) {
                    fail("event for level %s: old_state %s but the previous event left it %s",
                         g_levels[level].name, state_name(e->old_state),
                         state_name(g_levels[level].tracked));
                }
                if (!legal_transition(e->old_state, e->new_state)) {
                    fail("event for level %s: illegal transition %s -> %s", g_levels[level].name,
                         state_name(e->old_state), state_name(e->new_state));
                }
                g_levels[level].tracked = e->new_state;
                break;
            }
            case LSM_EVENT_KIND_STREAMING_COMPLETE:
                g_complete_events++;
                if (e->level_id != LSM_INVALID_ID) {
                    fail("STREAMING_COMPLETE with level_id %u", (unsigned)e->level_id);
                }
                break;
            case LSM_EVENT_KIND_SOURCE_STREAMING_STATE_CHANGED:
                /* A source deep in the load range of a level still loading
                   (the cap holds loads back) is SLOW or CRITICAL: expected. */
                g_source_state_events++;
                if (e->source_index >= NUM_SOURCES) {
                    fail("source state event for source %u", (unsigned)e->source_index);
                }
                break;
            default:
                fail("unexpected event kind %u (level %u) although every request succeeded",
                     (unsigned)e->kind, (unsigned)e->level_id);
            }
        }
    } while (n == EVENT_BATCH);

    if (g_callbacks.all != g_events) {
        fail("callback saw %lu events, lsm_poll_events returned %lu", g_callbacks.all, g_events);
    }
    if (g_callbacks.state_changed != g_state_events) {
        fail("callback saw %lu state changes, polling %lu", g_callbacks.state_changed, g_state_events);
    }
    if (g_callbacks.complete_only != g_complete_events) {
        fail("filtered callback saw %lu STREAMING_COMPLETE, polling %lu", g_callbacks.complete_only,
             g_complete_events);
    }
}

/* ----- the host: take and complete every request ---------------------------- */

static void drain_requests(void)
{
    static LsmRequest batch[REQUEST_BATCH];
    int rounds = 0;
    for (;;) {
        size_t n = (size_t)-1, i, loads = 0;
        size_t pending = lsm_pending_request_count(g_manager);
        CHECK_OK(lsm_take_requests(g_manager, batch, REQUEST_BATCH, &n));
        if (n > REQUEST_BATCH) {
            fail("lsm_take_requests reported %lu requests for a buffer of %d", (unsigned long)n,
                 REQUEST_BATCH);
        }
        if (n != (pending < REQUEST_BATCH ? pending : REQUEST_BATCH)) {
            fail("lsm_pending_request_count said %lu, lsm_take_requests gave %lu",
                 (unsigned long)pending, (unsigned long)n);
        }
        if (n == 0) {
            break;
        }
        if (++rounds > 100000) {
            fail("requests keep coming after %d rounds", rounds);
        }
        /* Everything taken earlier was completed, so the loads in flight are
         * exactly the loads of this batch (plus any left pending). */
        for (i = 0; i < n; i++) {
            const LsmRequest *r = &batch[i];
            int level = level_index(r->level_id);
            LsmStreamingState state = level_state(level);
            if (r->id <= g_last_request_id) {
                fail("request id %llu not increasing (last %llu)", (unsigned long long)r->id,
                     (unsigned long long)g_last_request_id);
            }
            g_last_request_id = r->id;
            if (!(r->distance >= 0.0)) {
                fail("request %llu has distance %g", (unsigned long long)r->id, r->distance);
            }
            if (r->priority < LSM_PRIORITY_CRITICAL || r->priority > LSM_PRIORITY_BACKGROUND) {
                fail("request %llu has priority %u", (unsigned long long)r->id, (unsigned)r->priority);
            }
            switch (r->kind) {
            case LSM_REQUEST_KIND_LOAD:
                loads++;
                g_loads++;
                if (state != LSM_STREAMING_STATE_LOADING) {
                    fail("LOAD of %s while it is %s", g_levels[level].name, state_name(state));
                }
                break;
            case LSM_REQUEST_KIND_MAKE_VISIBLE:
                g_make_visible++;
                if (state != LSM_STREAMING_STATE_LOADED && state != LSM_STREAMING_STATE_HIDDEN) {
                    fail("MAKE_VISIBLE of %s while it is %s", g_levels[level].name, state_name(state));
                }
                break;
            case LSM_REQUEST_KIND_UNLOAD:
                g_unloads++;
                if (state != LSM_STREAMING_STATE_UNLOADING) {
                    fail("UNLOAD of %s while it is %s", g_levels[level].name, state_name(state));
                }
                break;
            case LSM_REQUEST_KIND_HIDE:
                g_hides++;
                fail("HIDE of %s although no level was hidden by hand", g_levels[level].name);
                break;
            default:
                fail("request kind %u", (unsigned)r->kind);
            }
        }
        g_requests_taken += n;
        if (loads > g_max_loads_in_batch) {
            g_max_loads_in_batch = loads;
        }
        if (loads > MAX_LOADS_IN_FLIGHT) {
            fail("%lu loads in flight, max_loads_in_flight is %u", (unsigned long)loads,
                 MAX_LOADS_IN_FLIGHT);
        }
        for (i = 0; i < n; i++) {
            const LsmRequest *r = &batch[i];
            int level = level_index(r->level_id);
            LsmStreamingState after;
            CHECK_OK(lsm_complete_request(g_manager, r->id, true));
            after = level_state(level);
            switch (r->kind) {
            case LSM_REQUEST_KIND_LOAD:
                if (after != LSM_STREAMING_STATE_LOADED && after != LSM_STREAMING_STATE_UNLOADING) {
                    fail("%s is %s right after its LOAD completed", g_levels[level].name,
                         state_name(after));
                }
                break;
            case LSM_REQUEST_KIND_MAKE_VISIBLE:
                if (after != LSM_STREAMING_STATE_ACTIVE && after != LSM_STREAMING_STATE_UNLOADING) {
                    fail("%s is %s right after its MAKE_VISIBLE completed", g_levels[level].name,
                         state_name(after));
                }
                break;
            default:
                if (after != LSM_STREAMING_STATE_UNLOADED && after != LSM_STREAMING_STATE_LOADING) {
                    fail("%s is %s right after its UNLOAD completed", g_levels[level].name,
                         state_name(after));
                }
                break;
            }
        }
    }
    if (lsm_pending_request_count(g_manager) != 0) {
        fail("%lu requests pending after the drain", (unsigned long)lsm_pending_request_count(g_manager));
    }
}

/* ----- the brute-force model ----------------------------------------------- */

/* Exactly the arithmetic of src/core/volume.rs and types.rs. */
static double gap(const LsmStreamingSource *s, const Volume *v)
{
    double dx = s->position.x - v->cx;
    double dy = s->position.y - v->cy;
    double dz = s->position.z - v->cz;
    double d = sqrt(dx * dx + dy * dy + dz * dz) - v->radius;
    return d > 0.0 ? d : 0.0;
}

static void model_update(const LsmStreamingSource *sources, size_t count)
{
    int i;
    for (i = 0; i < NUM_VOLUMES; i++) {
        Volume *v = &g_volumes[i];
        double d = INFINITY;
        size_t s;
        if (v->removed || !v->enabled) {
            continue;
        }
        for (s = 0; s < count; s++) {
            double g = gap(&sources[s], v);
            if (g < d) {
                d = g;
            }
        }
        if (d <= v->load) {
            v->wants = true;
        } else if (d > v->unload) {
            v->wants = false;
        }
    }
}

static bool volumes_want(int level)
{
    int i;
    for (i = 0; i < NUM_VOLUMES; i++) {
        const Volume *v = &g_volumes[i];
        if (v->level == level && !v->removed && v->enabled && v->wants) {
            return true;
        }
    }
    return false;
}

static void model_wanted(void)
{
    int i;
    for (i = 0; i < NUM_LEVELS; i++) {
        g_wanted[i] = g_levels[i].pinned;
    }
    for (i = 0; i < NUM_VOLUMES; i++) {
        const Volume *v = &g_volumes[i];
        if (!v->removed && v->enabled && v->wants) {
            g_wanted[v->level] = true;
        }
    }
}

/* After a full drain: wanted <=> ACTIVE, everything else UNLOADED. */
static void check_against_model(const char *when)
{
    int i;
    size_t active = 0;
    model_wanted();
    if (lsm_level_count(g_manager) != NUM_LEVELS) {
        fail("%s: lsm_level_count is %lu, expected %d", when,
             (unsigned long)lsm_level_count(g_manager), NUM_LEVELS);
    }
    for (i = 0; i < NUM_LEVELS; i++) {
        LsmStreamingState state = level_state(i);
        if ((state == LSM_STREAMING_STATE_ACTIVE) != g_wanted[i]) {
            fail("%s: level %s is %s but the brute-force rule says it is %s", when, g_levels[i].name,
                 state_name(state), g_wanted[i] ? "wanted" : "not wanted");
        }
        if (state != LSM_STREAMING_STATE_ACTIVE && state != LSM_STREAMING_STATE_UNLOADED) {
            fail("%s: level %s is stuck in %s", when, g_levels[i].name, state_name(state));
        }
        if (state == LSM_STREAMING_STATE_ACTIVE) {
            active++;
        }
    }
    if (active > g_max_active) {
        g_max_active = active;
    }
}

/* Events must agree with the states the manager reports. */
static void check_tracked_states(void)
{
    int i;
    for (i = 0; i < NUM_LEVELS; i++) {
        LsmStreamingState state = level_state(i);
        if (state != g_levels[i].tracked) {
            fail("level %s is %s but its last LEVEL_STATE_CHANGED event said %s", g_levels[i].name,
                 state_name(state), state_name(g_levels[i].tracked));
        }
    }
}

/* ----- world set-up -------------------------------------------------------- */

static uint32_t find_level_id(const char *name)
{
    uint32_t id = 0xDEADBEEFu;
    CHECK_OK(lsm_find_level(g_manager, name, &id));
    return id;
}

static void register_level(int level, uint32_t priority, double memory_mb)
{
    LsmLevelDesc desc;
    uint32_t id = 0xDEADBEEFu;
    desc.name = g_levels[level].name;
    desc.estimated_memory_mb = memory_mb;
    desc.priority = priority;
    CHECK_OK(lsm_register_level(g_manager, &desc, &id));
    if (id != find_level_id(g_levels[level].name)) {
        fail("lsm_register_level gave id %u for %s, lsm_find_level %u", (unsigned)id,
             g_levels[level].name, (unsigned)find_level_id(g_levels[level].name));
    }
}

static void build_world(void)
{
    int i;
    for (i = 0; i < NUM_WORLD_LEVELS; i++) {
        snprintf(g_levels[i].name, sizeof g_levels[i].name, "/Game/World/L_Tile_%03d", i);
    }
    strcpy(g_levels[FAR_LEVEL].name, "/Game/Far/L_Outpost");
    strcpy(g_levels[VISTA_LEVEL].name, "/Game/Manual/L_Vista");

    /* A few levels registered up front, one per priority. */
    for (i = 0; i < 5; i++) {
        register_level(i, (uint32_t)(LSM_PRIORITY_CRITICAL + i), 100.0 * (i + 1));
    }
    register_level(VISTA_LEVEL, LSM_PRIORITY_LOW, 42.0);

    for (i = 0; i < NUM_VOLUMES; i++) {
        Volume *v = &g_volumes[i];
        LsmVolumeDesc desc;
        uint32_t id = 0xDEADBEEFu;
        snprintf(v->name, sizeof v->name, "Vol_%04d", i);
        /* Every world level gets one volume, the rest share levels at random. */
        v->level = i < NUM_WORLD_LEVELS ? i : (int)(next_u64() % NUM_WORLD_LEVELS);
        v->cx = uniform(-10000.0, 10000.0);
        v->cy = uniform(-10000.0, 10000.0);
        v->cz = uniform(0.0, 200.0);
        v->radius = uniform(50.0, 500.0);
        v->load = uniform(100.0, 1500.0);
        v->enabled = (i % 13) != 5;
        if (i == FAR_VOLUME) {
            v->level = FAR_LEVEL;
            v->cx = 60000.0;
            v->cy = 60000.0;
            v->cz = 0.0;
            v->enabled = true;
        }
        desc.name = v->name;
        desc.level_name = g_levels[v->level].name;
        desc.center.x = v->cx;
        desc.center.y = v->cy;
        desc.center.z = v->cz;
        desc.radius = v->radius;
        desc.load_distance = v->load;
        if (i % 97 == 3) {
            /* No hysteresis at all: unload == load. */
            desc.unload_distance = v->load;
            v->unload = v->load;
        } else if (i % 2 == 0) {
            desc.unload_distance = v->load * UNLOAD_FACTOR;
            v->unload = v->load * UNLOAD_FACTOR;
        } else {
            desc.unload_distance = 0.0; /* the configured default factor */
            v->unload = v->load * UNLOAD_FACTOR;
        }
        desc.priority = (uint32_t)(1 + next_u64() % 5);
        desc.enabled = v->enabled;
        CHECK_OK(lsm_create_streaming_volume(g_manager, &desc, &id));
        v->id = id;
        {
            uint32_t found = 0xDEADBEEFu;
            CHECK_OK(lsm_find_volume(g_manager, v->name, &found));
            if (found != id) {
                fail("volume %s created as %u, found as %u", v->name, (unsigned)id, (unsigned)found);
            }
        }
    }
    if (lsm_volume_count(g_manager) != NUM_VOLUMES) {
        fail("lsm_volume_count is %lu after creating %d", (unsigned long)lsm_volume_count(g_manager),
             NUM_VOLUMES);
    }

    /* Levels a volume created implicitly are adopted by a later registration. */
    register_level(10, LSM_PRIORITY_HIGH, 250.0);
    register_level(11, LSM_PRIORITY_BACKGROUND, 12.5);

    for (i = 0; i < NUM_LEVELS; i++) {
        g_level_of_id[i] = -1;
    }
    for (i = 0; i < NUM_LEVELS; i++) {
        char name[64];
        size_t len = 0;
        uint32_t id = find_level_id(g_levels[i].name);
        if (id >= NUM_LEVELS || g_level_of_id[id] >= 0) {
            fail("level %s has id %u (out of range or shared)", g_levels[i].name, (unsigned)id);
        }
        g_levels[i].id = id;
        g_levels[i].tracked = LSM_STREAMING_STATE_UNLOADED;
        g_level_of_id[id] = i;
        CHECK_OK(lsm_level_name(g_manager, id, name, sizeof name, &len));
        if (strcmp(name, g_levels[i].name) != 0 || len != strlen(name)) {
            fail("lsm_level_name(%u) = \"%s\" (len %lu), expected \"%s\"", (unsigned)id, name,
                 (unsigned long)len, g_levels[i].name);
        }
        if (level_state(i) != LSM_STREAMING_STATE_UNLOADED) {
            fail("level %s is %s before the first update", g_levels[i].name, state_name(level_state(i)));
        }
    }
    if (lsm_level_count(g_manager) != NUM_LEVELS) {
        fail("lsm_level_count is %lu, expected %d", (unsigned long)lsm_level_count(g_manager), NUM_LEVELS);
    }
}

/* ----- the sources ------------------------------------------------------- */

static void camera_position(int frame, LsmVec3 *out)
{
    const double pi = 3.14159265358979323846;
    double t = (double)frame / (double)FRAMES;
    out->x = -11000.0 + 22000.0 * t;
    out->y = -9500.0 + 18500.0 * t + 2500.0 * sin(2.0 * pi * 3.0 * t);
    out->z = 120.0 - 60.0 * t;
}

static void player_position(int frame, LsmVec3 *out)
{
    /* 15 m/s around a circle of radius 1200 m. */
    double angle = (double)frame * (1.0 / 60.0) * 15.0 / 1200.0;
    out->x = 2000.0 + 1200.0 * cos(angle);
    out->y = -3000.0 + 1200.0 * sin(angle);
    out->z = 10.0;
}

static void make_sources(int frame, LsmStreamingSource sources[NUM_SOURCES])
{
    LsmVec3 prev;
    memset(sources, 0, sizeof(LsmStreamingSource) * NUM_SOURCES);
    camera_position(frame, &sources[0].position);
    camera_position(frame > 0 ? frame - 1 : 0, &prev);
    sources[0].velocity.x = (sources[0].position.x - prev.x) * 60.0;
    sources[0].velocity.y = (sources[0].position.y - prev.y) * 60.0;
    sources[0].velocity.z = (sources[0].position.z - prev.z) * 60.0;
    sources[0].priority = LSM_PRIORITY_HIGH;
    player_position(frame, &sources[1].position);
    player_position(frame > 0 ? frame - 1 : 0, &prev);
    sources[1].velocity.x = (sources[1].position.x - prev.x) * 60.0;
    sources[1].velocity.y = (sources[1].position.y - prev.y) * 60.0;
    sources[1].priority = 0; /* 0 = NORMAL */
}

/* ----- scripted changes during the walk ------------------------------------- */

#define TOGGLED 5
static int g_toggled_off[TOGGLED];
static int g_toggled_on[TOGGLED];
static int g_moved_volume = -1;
static int g_resized_volume = -1;
static int g_removed_volume = -1;

static void set_enabled(int v, bool enabled)
{
    CHECK_OK(lsm_set_volume_enabled(g_manager, g_volumes[v].id, enabled));
    g_volumes[v].enabled = enabled;
    if (!enabled) {
        /* "A disabled volume releases its level at once." */
        g_volumes[v].wants = false;
    }
}

static void pin(int level, bool pinned)
{
    if (pinned) {
        CHECK_OK(lsm_load_level(g_manager, g_levels[level].name));
    } else {
        CHECK_OK(lsm_unload_level(g_manager, g_levels[level].name));
    }
    g_levels[level].pinned = pinned;
}

static void scripted_changes(int frame, const LsmStreamingSource *sources)
{
    int i, k;
    char when[64];
    bool changed = true;
    switch (frame) {
    case 600: /* Disable volumes that currently want their level. */
        for (i = 0, k = 0; i < FAR_VOLUME && k < TOGGLED; i++) {
            if (g_volumes[i].enabled && g_volumes[i].wants) {
                g_toggled_off[k++] = i;
            }
        }
        if (k != TOGGLED) {
            fail("only %d wanting volumes to disable", k);
        }
        for (k = 0; k < TOGGLED; k++) {
            set_enabled(g_toggled_off[k], false);
        }
        break;
    case 900: /* Enable the initially disabled volumes nearest the camera. */
        for (k = 0; k < TOGGLED; k++) {
            double best = INFINITY;
            int best_i = -1;
            for (i = 0; i < FAR_VOLUME; i++) {
                int j;
                bool taken = false;
                for (j = 0; j < k; j++) {
                    taken = taken || g_toggled_on[j] == i;
                }
                if (!g_volumes[i].enabled && !taken && gap(&sources[0], &g_volumes[i]) < best) {
                    best = gap(&sources[0], &g_volumes[i]);
                    best_i = i;
                }
            }
            if (best_i < 0) {
                fail("no disabled volume left to enable");
            }
            g_toggled_on[k] = best_i;
        }
        for (k = 0; k < TOGGLED; k++) {
            set_enabled(g_toggled_on[k], true);
        }
        break;
    case 1000: /* Pin the far level: loaded although no volume wants it. */
        if (volumes_want(FAR_LEVEL)) {
            fail("the far level is wanted by a volume");
        }
        pin(FAR_LEVEL, true);
        break;
    case 1200: /* Move an idle volume onto the second player. */
        for (i = 0; i < FAR_VOLUME; i++) {
            if (g_volumes[i].enabled && !g_volumes[i].wants && !g_wanted[g_volumes[i].level]) {
                g_moved_volume = i;
                break;
            }
        }
        if (g_moved_volume < 0) {
            fail("no idle volume to move");
        }
        {
            LsmVec3 to = sources[1].position;
            to.x += 100.0;
            CHECK_OK(lsm_move_streaming_volume(g_manager, g_volumes[g_moved_volume].id, to));
            /* Applied at the next update, like the library. */
            g_volumes[g_moved_volume].cx = to.x;
            g_volumes[g_moved_volume].cy = to.y;
            g_volumes[g_moved_volume].cz = to.z;
        }
        break;
    case 1500:
        for (k = 0; k < TOGGLED; k++) {
            set_enabled(g_toggled_off[k], true);
        }
        break;
    case 1700:
        pin(FAR_LEVEL, false);
        break;
    case 1800:
        pin(VISTA_LEVEL, true);
        break;
    case 1900:
        pin(VISTA_LEVEL, false);
        break;
    case 2000: { /* Move it far away again. */
        LsmVec3 to;
        to.x = -50000.0;
        to.y = 0.0;
        to.z = 0.0;
        CHECK_OK(lsm_move_streaming_volume(g_manager, g_volumes[g_moved_volume].id, to));
        g_volumes[g_moved_volume].cx = to.x;
        g_volumes[g_moved_volume].cy = to.y;
        g_volumes[g_moved_volume].cz = to.z;
        break;
    }
    case 2100: /* Lay the spatial index out again mid-walk: nothing may change. */
        CHECK_OK(lsm_compact_spatial_index(g_manager));
        break;
    case 2200: /* Shrink a wanting volume (applied at the next update). */
        for (i = 0; i < FAR_VOLUME; i++) {
            if (g_volumes[i].enabled && g_volumes[i].wants && g_volumes[i].radius > 100.0) {
                g_resized_volume = i;
                break;
            }
        }
        if (g_resized_volume < 0) {
            fail("no wanting volume to resize");
        }
        {
            Volume *v = &g_volumes[g_resized_volume];
            CHECK_OK(lsm_set_volume_distances(g_manager, v->id, 10.0, 20.0, 0.0));
            v->radius = 10.0;
            v->load = 20.0;
            v->unload = 20.0 * UNLOAD_FACTOR;
        }
        break;
    case 2500: /* Remove a wanting volume: released at once. */
        for (i = 0; i < FAR_VOLUME; i++) {
            if (g_volumes[i].enabled && g_volumes[i].wants && !g_volumes[i].removed) {
                g_removed_volume = i;
                break;
            }
        }
        if (g_removed_volume < 0) {
            fail("no wanting volume to remove");
        }
        CHECK_OK(lsm_remove_streaming_volume(g_manager, g_volumes[g_removed_volume].id));
        g_volumes[g_removed_volume].removed = true;
        g_volumes[g_removed_volume].wants = false;
        if (lsm_volume_count(g_manager) != NUM_VOLUMES - 1) {
            fail("lsm_volume_count is %lu after removing one", (unsigned long)lsm_volume_count(g_manager));
        }
        break;
    default:
        changed = false;
    }
    if (changed) {
        /* Changes outside lsm_update take effect without another update. */
        drain_requests();
        snprintf(when, sizeof when, "after the scripted change of frame %d", frame);
        check_against_model(when);
    }
}

/* Extra checks that specific scripted changes had their visible effect. */
static void scripted_checks(int frame)
{
    if (frame >= 1000 && frame < 1700) {
        if (level_state(FAR_LEVEL) != LSM_STREAMING_STATE_ACTIVE) {
            fail("pinned far level is %s", state_name(level_state(FAR_LEVEL)));
        }
        if (volumes_want(FAR_LEVEL)) {
            fail("far level unexpectedly wanted by a volume");
        }
    }
    if (frame == 1700 && level_state(FAR_LEVEL) != LSM_STREAMING_STATE_UNLOADED) {
        fail("far level is %s after lsm_unload_level", state_name(level_state(FAR_LEVEL)));
    }
    if (frame >= 1800 && frame < 1900 && level_state(VISTA_LEVEL) != LSM_STREAMING_STATE_ACTIVE) {
        fail("pinned volume-less level is %s", state_name(level_state(VISTA_LEVEL)));
    }
    if (frame == 600) {
        /* Not vacuous: some level lost its only wanting volume and unloaded. */
        int k, unloaded = 0;
        for (k = 0; k < TOGGLED; k++) {
            unloaded += level_state(g_volumes[g_toggled_off[k]].level) == LSM_STREAMING_STATE_UNLOADED;
        }
        if (unloaded == 0) {
            fail("disabling %d wanting volumes unloaded no level", TOGGLED);
        }
    }
    if (frame == 1200) {
        const Volume *v = &g_volumes[g_moved_volume];
        if (!v->wants || level_state(v->level) != LSM_STREAMING_STATE_ACTIVE) {
            fail("volume %s moved onto the player: wants=%d, level %s is %s", v->name, (int)v->wants,
                 g_levels[v->level].name, state_name(level_state(v->level)));
        }
    }
}

int main(void)
{
    LsmConfig config;
    int frame;
    uint64_t callback_id = 0, complete_callback_id = 0;

    if (strcmp(lsm_version(), LSM_VERSION) != 0) {
        fail("lsm_version() is \"%s\", header LSM_VERSION is \"%s\"", lsm_version(), LSM_VERSION);
    }

    memset(&config, 0xAB, sizeof config);
    CHECK_OK(lsm_config_default(&config));
    if (config.unload_distance_factor != UNLOAD_FACTOR) {
        fail("default unload_distance_factor is %g, this test assumes %g", config.unload_distance_factor,
             UNLOAD_FACTOR);
    }
    config.max_loads_in_flight = MAX_LOADS_IN_FLIGHT;
    config.min_seconds_between_unloads = 0.0;
    g_manager = lsm_manager_create(&config);
    if (g_manager == NULL) {
        char message[512];
        lsm_last_error_message(message, sizeof message);
        fail("lsm_manager_create failed: %s", message);
    }
    CHECK_OK(lsm_register_event_callback(g_manager, LSM_EVENT_FILTER_ALL, on_event, &g_callbacks,
                                         &callback_id));
    CHECK_OK(lsm_register_event_callback(g_manager, LSM_EVENT_KIND_STREAMING_COMPLETE, on_complete,
                                         &g_callbacks, &complete_callback_id));
    if (callback_id == complete_callback_id) {
        fail("two callbacks got the same id %llu", (unsigned long long)callback_id);
    }

    build_world();

    for (frame = 0; frame < FRAMES; frame++) {
        LsmStreamingSource sources[NUM_SOURCES];
        g_frame = frame;
        make_sources(frame, sources);
        scripted_changes(frame, sources);

        CHECK_OK(lsm_update(g_manager, sources, NUM_SOURCES, 1.0 / 60.0));
        model_update(sources, NUM_SOURCES);
        drain_requests();
        check_against_model("after the frame");
        scripted_checks(frame);
        poll_events();
        check_tracked_states();
    }

    /* Everybody leaves: every level must unload. */
    g_frame = FRAMES;
    CHECK_OK(lsm_update(g_manager, NULL, 0, 1.0 / 60.0));
    model_update(NULL, 0);
    drain_requests();
    check_against_model("after all sources left");
    poll_events();
    check_tracked_states();
    {
        int i;
        for (i = 0; i < NUM_LEVELS; i++) {
            if (level_state(i) != LSM_STREAMING_STATE_UNLOADED) {
                fail("level %s is %s after all sources left", g_levels[i].name,
                     state_name(level_state(i)));
            }
        }
    }

    if (g_complete_events == 0) {
        fail("no STREAMING_COMPLETE event in %d frames", FRAMES);
    }
    if (g_loads != g_unloads) {
        fail("%lu loads but %lu unloads although everything ended unloaded", g_loads, g_unloads);
    }
    if (g_make_visible != g_loads) {
        fail("%lu loads but %lu make-visible requests", g_loads, g_make_visible);
    }
    if (g_max_loads_in_batch != MAX_LOADS_IN_FLIGHT) {
        fail("the load cap of %u was never reached (max %lu): the test lost its teeth",
             MAX_LOADS_IN_FLIGHT, (unsigned long)g_max_loads_in_batch);
    }
    if (lsm_dropped_event_count(g_manager) != 0) {
        fail("%llu events dropped", (unsigned long long)lsm_dropped_event_count(g_manager));
    }

    CHECK_OK(lsm_unregister_event_callback(g_manager, callback_id));
    CHECK_OK(lsm_unregister_event_callback(g_manager, complete_callback_id));
    lsm_manager_destroy(g_manager);
    g_manager = NULL;

    printf("camera_walk: OK: %d frames, %d volumes, %d levels, %lu requests "
           "(%lu loads, %lu make-visible, %lu unloads), max %lu active at once, "
           "max %lu loads in flight, %lu events (%lu state changes, %lu STREAMING_COMPLETE)\n",
           FRAMES, NUM_VOLUMES, NUM_LEVELS, g_requests_taken, g_loads, g_make_visible, g_unloads,
           (unsigned long)g_max_active, (unsigned long)g_max_loads_in_batch, g_events,
           g_state_events, g_complete_events);
    return 0;
}
