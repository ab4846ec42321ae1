/*
 * bad_inputs.c - C99 acceptance test: every bad input the C API must refuse.
 *
 * For each refused call it checks
 *   - the exact LsmStatus,
 *   - that lsm_last_error_message() afterwards is non-empty and is not the
 *     message left by the previous failure (each call is preceded by a
 *     deliberate, uniquely worded failure on a separate manager),
 *   - that nothing changed: volume/level/pending-request counts, every
 *     level's state, volume ids by name, dropped events and events seen by
 *     a callback are compared before and after,
 *   - that outputs were not written (they are pre-set to sentinels).
 * At the end a normal frame shows that the refused calls left the world
 * exactly as it was built.
 *
 * Exit status 0 on success; 1 with a message on stderr on any mismatch.
 * Built and run by tests/c_api.rs.
 */

#include "level_streaming.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SENTINEL_U32 0xA5A5A5A5u
#define SENTINEL_U64 0xA5A5A5A5A5A5A5A5ull
#define SENTINEL_SIZE ((size_t)0xA5A5A5A5u)
#define SENTINEL_CHAR 'Z'
#define MAX_LEVELS 16

static LsmManager *g_m;       /* the manager under test */
static LsmManager *g_prime_m; /* only used to leave a known last-error message */
static unsigned g_prime_counter;
static char g_primed[256];
static unsigned g_refusals;
static unsigned long g_callback_events;
static unsigned long g_other_callback_events;

static void fail(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "bad_inputs: FAILED: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    lsm_manager_destroy(g_m);
    lsm_manager_destroy(g_prime_m);
    exit(1);
}

static void on_event(const LsmEvent *event, void *user_data)
{
    (void)event;
    ++*(unsigned long *)user_data;
}

static void last_error(char *buf, size_t cap)
{
    size_t len = lsm_last_error_message(buf, cap);
    if (len >= cap) {
        fail("last error message of %lu bytes does not fit %lu", (unsigned long)len, (unsigned long)cap);
    }
    if (strlen(buf) != len) {
        fail("lsm_last_error_message returned %lu but wrote %lu bytes", (unsigned long)len,
             (unsigned long)strlen(buf));
    }
}

/* Leaves a last-error message that no other call produces. */
static void prime(void)
{
    char name[64];
    uint32_t id = SENTINEL_U32;
    snprintf(name, sizeof name, "prime-%u", ++g_prime_counter);
    if (lsm_find_level(g_prime_m, name, &id) != LSM_STATUS_UNKNOWN_LEVEL || id != SENTINEL_U32) {
        fail("priming lookup of '%s' did not fail cleanly", name);
    }
    last_error(g_primed, sizeof g_primed);
    if (strstr(g_primed, name) == NULL) {
        fail("priming message '%s' does not name '%s'", g_primed, name);
    }
}

/* ----- "nothing changed" ------------------------------------------------- */

typedef struct Snapshot {
    size_t volumes, levels, pending;
    uint64_t dropped;
    unsigned long callback_events;
    LsmStreamingState states[MAX_LEVELS];
    uint32_t volume_ids[4];
} Snapshot;

static const char *const k_volume_names[4] = {"V0", "V1", "VRemoved", "Sneaky"};
static Snapshot g_before;

static void snapshot(Snapshot *s)
{
    size_t i;
    memset(s, 0, sizeof *s);
    s->volumes = lsm_volume_count(g_m);
    s->levels = lsm_level_count(g_m);
    s->pending = lsm_pending_request_count(g_m);
    s->dropped = lsm_dropped_event_count(g_m);
    s->callback_events = g_callback_events + g_other_callback_events;
    if (s->levels > MAX_LEVELS) {
        fail("%lu levels, the snapshot holds %d", (unsigned long)s->levels, MAX_LEVELS);
    }
    for (i = 0; i < s->levels; i++) {
        if (lsm_get_level_state_by_id(g_m, (uint32_t)i, &s->states[i]) != LSM_STATUS_OK) {
            fail("snapshot: state of level %lu", (unsigned long)i);
        }
    }
    for (i = 0; i < 4; i++) {
        LsmStatus st;
        s->volume_ids[i] = SENTINEL_U32;
        st = lsm_find_volume(g_m, k_volume_names[i], &s->volume_ids[i]);
        if (st != LSM_STATUS_OK && st != LSM_STATUS_UNKNOWN_VOLUME) {
            fail("snapshot: lsm_find_volume(%s) = %u", k_volume_names[i], (unsigned)st);
        }
    }
}

static void compare(const char *text, int line, const Snapshot *a, const Snapshot *b)
{
    size_t i;
#define SAME(field)                                                                                \
    if (a->field != b->field) {                                                                    \
        fail("line %d: refused call %s changed " #field " from %lu to %lu", line, text,            \
             (unsigned long)a->field, (unsigned long)b->field);                                    \
    }
    SAME(volumes)
    SAME(levels)
    SAME(pending)
    SAME(dropped)
    SAME(callback_events)
    for (i = 0; i < a->levels; i++) {
        SAME(states[i])
    }
    for (i = 0; i < 4; i++) {
        SAME(volume_ids[i])
    }
#undef SAME
}

static void before_call(void)
{
    snapshot(&g_before);
    prime();
}

static void check_refused(int line, const char *text, LsmStatus want, LsmStatus got, const char *needle)
{
    char message[512];
    Snapshot after;
    g_refusals++;
    if (got != want) {
        last_error(message, sizeof message);
        fail("line %d: %s returned %u, expected %u (last error: '%s')", line, text, (unsigned)got,
             (unsigned)want, message);
    }
    last_error(message, sizeof message);
    if (message[0] == '\0') {
        fail("line %d: %s: empty last error message", line, text);
    }
    if (strcmp(message, g_primed) == 0) {
        fail("line %d: %s did not set the last error message (still '%s')", line, text, message);
    }
    if (needle != NULL && strstr(message, needle) == NULL) {
        fail("line %d: %s: message '%s' does not mention '%s'", line, text, message, needle);
    }
    snapshot(&after);
    compare(text, line, &g_before, &after);
}

/* EXPECT(status, call): the call is refused with exactly that status. */
#define EXPECT(want, call) EXPECT_MSG(want, NULL, call)
#define EXPECT_MSG(want, needle, call)                                                             \
    do {                                                                                           \
        LsmStatus got_;                                                                            \
        before_call();                                                                             \
        got_ = (call);                                                                             \
        check_refused(__LINE__, #call, (want), got_, (needle));                                    \
    } while (0)

#define CHECK_OK(call)                                                                             \
    do {                                                                                           \
        LsmStatus st_ = (call);                                                                    \
        if (st_ != LSM_STATUS_OK) {                                                                \
            char msg_[512];                                                                        \
            last_error(msg_, sizeof msg_);                                                         \
            fail("line %d: %s returned %u (%s)", __LINE__, #call, (unsigned)st_, msg_);            \
        }                                                                                          \
    } while (0)

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fail("line %d: check failed: %s", __LINE__, #cond);                                    \
        }                                                                                          \
    } while (0)

/* ----- helpers -------------------------------------------------------------- */

static LsmVolumeDesc volume_desc(const char *name, const char *level, double x)
{
    LsmVolumeDesc d;
    memset(&d, 0, sizeof d);
    d.name = name;
    d.level_name = level;
    d.center.x = x;
    d.radius = 100.0;
    d.load_distance = 200.0;
    d.unload_distance = 0.0;
    d.priority = LSM_PRIORITY_NORMAL;
    d.enabled = true;
    return d;
}

static LsmLevelDesc level_desc(const char *name, uint32_t priority)
{
    LsmLevelDesc d;
    d.name = name;
    d.estimated_memory_mb = 10.0;
    d.priority = priority;
    return d;
}

static LsmStreamingSource source_at(double x, double y, double z)
{
    LsmStreamingSource s;
    memset(&s, 0, sizeof s);
    s.position.x = x;
    s.position.y = y;
    s.position.z = z;
    s.priority = LSM_PRIORITY_NORMAL;
    return s;
}

static LsmStreamingState state_of(const char *level)
{
    LsmStreamingState s = SENTINEL_U32;
    CHECK_OK(lsm_get_level_state(g_m, level, &s));
    return s;
}

/* Takes and completes every request (successfully); returns how many. */
static size_t drain(void)
{
    size_t total = 0;
    for (;;) {
        LsmRequest reqs[16];
        size_t n = SENTINEL_SIZE, i;
        CHECK_OK(lsm_take_requests(g_m, reqs, 16, &n));
        if (n == 0) {
            return total;
        }
        for (i = 0; i < n; i++) {
            CHECK_OK(lsm_complete_request(g_m, reqs[i].id, true));
        }
        total += n;
    }
}

static size_t poll_all(void)
{
    size_t total = 0, n;
    do {
        LsmEvent events[8];
        n = SENTINEL_SIZE;
        CHECK_OK(lsm_poll_events(g_m, events, 8, &n));
        CHECK(n <= 8);
        total += n;
    } while (n == 8);
    return total;
}

static void check_sentinel_bytes(const char *buf, size_t from, size_t to, int line)
{
    size_t i;
    for (i = from; i < to; i++) {
        if (buf[i] != SENTINEL_CHAR) {
            fail("line %d: byte %lu of the output buffer was overwritten", line, (unsigned long)i);
        }
    }
}

/* ----- the sections ------------------------------------------------------- */

static void version_checks(void)
{
    char expected[64];
    CHECK(lsm_version() != NULL);
    if (strcmp(lsm_version(), LSM_VERSION) != 0) {
        fail("lsm_version() = '%s', LSM_VERSION = '%s'", lsm_version(), LSM_VERSION);
    }
    snprintf(expected, sizeof expected, "%d.%d.%d", LSM_VERSION_MAJOR, LSM_VERSION_MINOR, LSM_VERSION_PATCH);
    if (strcmp(expected, LSM_VERSION) != 0) {
        fail("LSM_VERSION_MAJOR/MINOR/PATCH give %s, LSM_VERSION is %s", expected, LSM_VERSION);
    }
}

static void invalid_configs(void)
{
    LsmConfig c;
    LsmManager *m;
    char message[512];

#define EXPECT_CREATE_FAILS(field, value, needle)                                                  \
    do {                                                                                           \
        CHECK_OK(lsm_config_default(&c));                                                          \
        c.field = (value);                                                                         \
        prime();                                                                                   \
        m = lsm_manager_create(&c);                                                                \
        if (m != NULL) {                                                                           \
            lsm_manager_destroy(m);                                                                \
            fail("lsm_manager_create accepted " #field " = " #value);                              \
        }                                                                                          \
        last_error(message, sizeof message);                                                       \
        if (message[0] == '\0' || strcmp(message, g_primed) == 0 || strstr(message, needle) == NULL) { \
            fail("lsm_manager_create(" #field " = " #value ") left message '%s'", message);        \
        }                                                                                          \
        g_refusals++;                                                                              \
    } while (0)

    EXPECT_CREATE_FAILS(unload_distance_factor, 0.5, "unload_distance_factor");
    EXPECT_CREATE_FAILS(unload_distance_factor, NAN, "unload_distance_factor");
    EXPECT_CREATE_FAILS(unload_distance_factor, INFINITY, "unload_distance_factor");
    EXPECT_CREATE_FAILS(unload_distance_factor, -1.25, "unload_distance_factor");
    EXPECT_CREATE_FAILS(event_queue_capacity, 0, "event_queue_capacity");
    EXPECT_CREATE_FAILS(retry_backoff_seconds, -0.5, "retry_backoff_seconds");
    EXPECT_CREATE_FAILS(retry_backoff_max_seconds, NAN, "retry_backoff_max_seconds");
    EXPECT_CREATE_FAILS(min_seconds_between_unloads, -INFINITY, "min_seconds_between_unloads");
#undef EXPECT_CREATE_FAILS

    /* The boundary value 1.0 is valid; NULL means defaults. */
    CHECK_OK(lsm_config_default(&c));
    c.unload_distance_factor = 1.0;
    m = lsm_manager_create(&c);
    CHECK(m != NULL);
    lsm_manager_destroy(m);
    m = lsm_manager_create(NULL);
    CHECK(m != NULL);
    lsm_manager_destroy(m);
    lsm_manager_destroy(NULL);

    prime();
    CHECK(lsm_config_default(NULL) == LSM_STATUS_NULL_ARGUMENT);
    last_error(message, sizeof message);
    CHECK(message[0] != '\0' && strcmp(message, g_primed) != 0);
}

static void null_manager(void)
{
    LsmEvent events[4];
    LsmRequest reqs[4];
    LsmStreamingSource src = source_at(0, 0, 0);
    LsmLevelDesc ldesc = level_desc("NewLevel", LSM_PRIORITY_NORMAL);
    LsmVolumeDesc vdesc = volume_desc("NewVolume", "NewLevel", 0.0);
    LsmVec3 c = {1.0, 2.0, 3.0};
    uint32_t id = SENTINEL_U32;
    uint64_t id64 = SENTINEL_U64;
    size_t n = SENTINEL_SIZE;
    LsmStreamingState st = SENTINEL_U32;
    char buf[32];
    memset(buf, SENTINEL_CHAR, sizeof buf);

    EXPECT_MSG(LSM_STATUS_NULL_ARGUMENT, "manager", lsm_poll_events(NULL, events, 4, &n));
    EXPECT_MSG(LSM_STATUS_NULL_ARGUMENT, "manager",
               lsm_register_event_callback(NULL, LSM_EVENT_FILTER_ALL, on_event, &g_callback_events, &id64));
    EXPECT_MSG(LSM_STATUS_NULL_ARGUMENT, "manager", lsm_unregister_event_callback(NULL, 1));
    EXPECT_MSG(LSM_STATUS_NULL_ARGUMENT, "manager", lsm_register_level(NULL, &ldesc, &id));
    EXPECT_MSG(LSM_STATUS_NULL_ARGUMENT, "manager", lsm_find_level(NULL, "Reg", &id));
    EXPECT_MSG(LSM_STATUS_NULL_ARGUMENT, "manager", lsm_level_name(NULL, 0, buf, sizeof buf, &n));
    EXPECT_MSG(LSM_STATUS_NULL_ARGUMENT, "manager", lsm_get_level_state(NULL, "Reg", &st));
    EXPECT_MSG(LSM_STATUS_NULL_ARGUMENT, "manager", lsm_get_level_state_by_id(NULL, 0, &st));
    EXPECT_MSG(LSM_STATUS_NULL_ARGUMENT, "manager", lsm_load_level(NULL, "Reg"));
    EXPECT_MSG(LSM_STATUS_NULL_ARGUMENT, "manager", lsm_unload_level(NULL, "Reg"));
    EXPECT_MSG(LSM_STATUS_NULL_ARGUMENT, "manager", lsm_set_level_visible(NULL, "Reg", true));
    EXPECT_MSG(LSM_STATUS_NULL_ARGUMENT, "manager", lsm_update(NULL, &src, 1, 1.0 / 60.0));
    EXPECT_MSG(LSM_STATUS_NULL_ARGUMENT, "manager", lsm_take_requests(NULL, reqs, 4, &n));
    EXPECT_MSG(LSM_STATUS_NULL_ARGUMENT, "manager", lsm_complete_request(NULL, 1, true));
    EXPECT_MSG(LSM_STATUS_NULL_ARGUMENT, "manager", lsm_create_streaming_volume(NULL, &vdesc, &id));
    EXPECT_MSG(LSM_STATUS_NULL_ARGUMENT, "manager", lsm_find_volume(NULL, "V0", &id));
    EXPECT_MSG(LSM_STATUS_NULL_ARGUMENT, "manager", lsm_remove_streaming_volume(NULL, 0));
    EXPECT_MSG(LSM_STATUS_NULL_ARGUMENT, "manager", lsm_set_volume_enabled(NULL, 0, false));
    EXPECT_MSG(LSM_STATUS_NULL_ARGUMENT, "manager", lsm_move_streaming_volume(NULL, 0, c));
    EXPECT_MSG(LSM_STATUS_NULL_ARGUMENT, "manager", lsm_set_volume_distances(NULL, 0, 1.0, 2.0, 3.0));
    EXPECT_MSG(LSM_STATUS_NULL_ARGUMENT, "manager", lsm_compact_spatial_index(NULL));

    /* Functions without a status return their documented default. */
    CHECK(lsm_dropped_event_count(NULL) == 0);
    CHECK(lsm_level_count(NULL) == 0);
    CHECK(lsm_pending_request_count(NULL) == 0);
    CHECK(lsm_volume_count(NULL) == 0);
    lsm_manager_destroy(NULL);

    CHECK(id == SENTINEL_U32 && id64 == SENTINEL_U64 && n == SENTINEL_SIZE && st == SENTINEL_U32);
    check_sentinel_bytes(buf, 0, sizeof buf, __LINE__);
}

/* A handle that is not a live manager: best-effort detection (documented as
 * LSM_STATUS_INVALID_HANDLE). The memory is valid and zeroed, so this is safe. */
static void invalid_handle(void)
{
    static union {
        long double ld;
        void *p;
        uint64_t u;
        unsigned char bytes[16384];
    } fake;
    LsmManager *bogus = (LsmManager *)(void *)&fake;
    LsmStreamingSource src = source_at(0, 0, 0);
    uint32_t id = SENTINEL_U32;
    size_t n = SENTINEL_SIZE;
    LsmRequest reqs[2];

    EXPECT(LSM_STATUS_INVALID_HANDLE, lsm_update(bogus, &src, 1, 0.0));
    EXPECT(LSM_STATUS_INVALID_HANDLE, lsm_find_level(bogus, "Reg", &id));
    EXPECT(LSM_STATUS_INVALID_HANDLE, lsm_take_requests(bogus, reqs, 2, &n));
    CHECK(lsm_volume_count(bogus) == 0 && lsm_level_count(bogus) == 0);
    CHECK(lsm_pending_request_count(bogus) == 0);
    lsm_manager_destroy(bogus); /* ignored: not a live handle */
    CHECK(id == SENTINEL_U32 && n == SENTINEL_SIZE);
}

static void null_arguments(void)
{
    LsmEvent events[4];
    LsmRequest reqs[4];
    LsmLevelDesc ldesc = level_desc(NULL, LSM_PRIORITY_NORMAL);
    LsmVolumeDesc vdesc = volume_desc(NULL, "Lvl1", 0.0);
    uint32_t id = SENTINEL_U32;
    uint64_t id64 = SENTINEL_U64;
    size_t n = SENTINEL_SIZE;
    LsmStreamingState st = SENTINEL_U32;

    EXPECT(LSM_STATUS_NULL_ARGUMENT, lsm_register_level(g_m, NULL, &id));
    EXPECT(LSM_STATUS_NULL_ARGUMENT, lsm_register_level(g_m, &ldesc, &id));
    EXPECT(LSM_STATUS_NULL_ARGUMENT, lsm_create_streaming_volume(g_m, NULL, &id));
    EXPECT(LSM_STATUS_NULL_ARGUMENT, lsm_create_streaming_volume(g_m, &vdesc, &id));
    vdesc = volume_desc("Sneaky", NULL, 0.0);
    EXPECT(LSM_STATUS_NULL_ARGUMENT, lsm_create_streaming_volume(g_m, &vdesc, &id));
    EXPECT(LSM_STATUS_NULL_ARGUMENT, lsm_find_level(g_m, NULL, &id));
    EXPECT(LSM_STATUS_NULL_ARGUMENT, lsm_find_level(g_m, "Reg", NULL));
    EXPECT(LSM_STATUS_NULL_ARGUMENT, lsm_get_level_state(g_m, NULL, &st));
    EXPECT(LSM_STATUS_NULL_ARGUMENT, lsm_get_level_state(g_m, "Reg", NULL));
    EXPECT(LSM_STATUS_NULL_ARGUMENT, lsm_get_level_state_by_id(g_m, 0, NULL));
    EXPECT(LSM_STATUS_NULL_ARGUMENT, lsm_load_level(g_m, NULL));
    EXPECT(LSM_STATUS_NULL_ARGUMENT, lsm_unload_level(g_m, NULL));
    EXPECT(LSM_STATUS_NULL_ARGUMENT, lsm_set_level_visible(g_m, NULL, true));
    EXPECT(LSM_STATUS_NULL_ARGUMENT, lsm_find_volume(g_m, NULL, &id));
    EXPECT(LSM_STATUS_NULL_ARGUMENT, lsm_find_volume(g_m, "V0", NULL));
    EXPECT(LSM_STATUS_NULL_ARGUMENT, lsm_update(g_m, NULL, 1, 1.0 / 60.0));
    EXPECT(LSM_STATUS_NULL_ARGUMENT, lsm_take_requests(g_m, NULL, 4, &n));
    EXPECT(LSM_STATUS_NULL_ARGUMENT, lsm_take_requests(g_m, reqs, 4, NULL));
    EXPECT(LSM_STATUS_NULL_ARGUMENT, lsm_poll_events(g_m, NULL, 4, &n));
    EXPECT(LSM_STATUS_NULL_ARGUMENT, lsm_poll_events(g_m, events, 4, NULL));
    EXPECT(LSM_STATUS_NULL_ARGUMENT,
           lsm_register_event_callback(g_m, LSM_EVENT_FILTER_ALL, NULL, NULL, &id64));
    CHECK(id == SENTINEL_U32 && id64 == SENTINEL_U64 && n == SENTINEL_SIZE && st == SENTINEL_U32);

    /* NULL is allowed where documented. */
    n = SENTINEL_SIZE;
    CHECK_OK(lsm_take_requests(g_m, NULL, 0, &n));
    CHECK(n == 0);
    n = SENTINEL_SIZE;
    CHECK_OK(lsm_poll_events(g_m, NULL, 0, &n));
    CHECK(n == 0);
}

static void invalid_utf8(void)
{
    static const char *const bad[] = {
        "\xff\xfe",     /* never valid */
        "\xc0\xaf",     /* overlong '/' */
        "\xed\xa0\x80", /* UTF-16 surrogate */
        "ok\x80",       /* stray continuation byte */
        "\xe2\x82",     /* truncated sequence */
    };
    size_t i;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *name = bad[i];
        LsmLevelDesc ldesc = level_desc(name, LSM_PRIORITY_NORMAL);
        LsmVolumeDesc vdesc = volume_desc(name, "Lvl1", 0.0);
        uint32_t id = SENTINEL_U32;
        LsmStreamingState st = SENTINEL_U32;
        EXPECT_MSG(LSM_STATUS_INVALID_UTF8, "UTF-8", lsm_register_level(g_m, &ldesc, &id));
        EXPECT_MSG(LSM_STATUS_INVALID_UTF8, "UTF-8", lsm_create_streaming_volume(g_m, &vdesc, &id));
        vdesc = volume_desc("Sneaky", name, 0.0);
        EXPECT_MSG(LSM_STATUS_INVALID_UTF8, "UTF-8", lsm_create_streaming_volume(g_m, &vdesc, &id));
        EXPECT_MSG(LSM_STATUS_INVALID_UTF8, "UTF-8", lsm_find_level(g_m, name, &id));
        EXPECT_MSG(LSM_STATUS_INVALID_UTF8, "UTF-8", lsm_get_level_state(g_m, name, &st));
        EXPECT_MSG(LSM_STATUS_INVALID_UTF8, "UTF-8", lsm_load_level(g_m, name));
        EXPECT_MSG(LSM_STATUS_INVALID_UTF8, "UTF-8", lsm_unload_level(g_m, name));
        EXPECT_MSG(LSM_STATUS_INVALID_UTF8, "UTF-8", lsm_set_level_visible(g_m, name, false));
        EXPECT_MSG(LSM_STATUS_INVALID_UTF8, "UTF-8", lsm_find_volume(g_m, name, &id));
        CHECK(id == SENTINEL_U32 && st == SENTINEL_U32);
    }
}

static void bad_numbers(uint32_t v1)
{
    const double non_finite[] = {NAN, INFINITY, -INFINITY};
    size_t i;
    uint32_t id = SENTINEL_U32;
    LsmVolumeDesc d;
    LsmLevelDesc l;

    for (i = 0; i < 3; i++) {
        const double bad = non_finite[i];
        LsmVec3 c = {0.0, 0.0, 0.0};
        /* A volume on Lvl1 at the origin would be wanted at the end: if any
         * of these were half-applied the final check would see it. */
        d = volume_desc("Sneaky", "Lvl1", 0.0);
        d.center.x = bad;
        EXPECT(LSM_STATUS_NON_FINITE_VALUE, lsm_create_streaming_volume(g_m, &d, &id));
        d = volume_desc("Sneaky", "Lvl1", 0.0);
        d.center.y = bad;
        EXPECT(LSM_STATUS_NON_FINITE_VALUE, lsm_create_streaming_volume(g_m, &d, &id));
        d = volume_desc("Sneaky", "Lvl1", 0.0);
        d.center.z = bad;
        EXPECT(LSM_STATUS_NON_FINITE_VALUE, lsm_create_streaming_volume(g_m, &d, &id));
        d = volume_desc("Sneaky", "Lvl1", 0.0);
        d.radius = bad;
        EXPECT(LSM_STATUS_NON_FINITE_VALUE, lsm_create_streaming_volume(g_m, &d, &id));
        d = volume_desc("Sneaky", "Lvl1", 0.0);
        d.load_distance = bad;
        EXPECT(LSM_STATUS_NON_FINITE_VALUE, lsm_create_streaming_volume(g_m, &d, &id));
        d = volume_desc("Sneaky", "Lvl1", 0.0);
        d.unload_distance = bad;
        EXPECT(LSM_STATUS_NON_FINITE_VALUE, lsm_create_streaming_volume(g_m, &d, &id));

        c.x = bad;
        EXPECT(LSM_STATUS_NON_FINITE_VALUE, lsm_move_streaming_volume(g_m, v1, c));
        c.x = 0.0;
        c.z = bad;
        EXPECT(LSM_STATUS_NON_FINITE_VALUE, lsm_move_streaming_volume(g_m, v1, c));
        EXPECT(LSM_STATUS_NON_FINITE_VALUE, lsm_set_volume_distances(g_m, v1, bad, 200.0, 0.0));
        EXPECT(LSM_STATUS_NON_FINITE_VALUE, lsm_set_volume_distances(g_m, v1, 100.0, bad, 0.0));
        EXPECT(LSM_STATUS_NON_FINITE_VALUE, lsm_set_volume_distances(g_m, v1, 100.0, 200.0, bad));

        l = level_desc("NewLevel", LSM_PRIORITY_NORMAL);
        l.estimated_memory_mb = bad;
        EXPECT(LSM_STATUS_NON_FINITE_VALUE, lsm_register_level(g_m, &l, &id));
    }

    /* Negative radius / load / unload distance. */
    d = volume_desc("Sneaky", "Lvl1", 0.0);
    d.radius = -1.0;
    EXPECT(LSM_STATUS_NEGATIVE_VALUE, lsm_create_streaming_volume(g_m, &d, &id));
    d = volume_desc("Sneaky", "Lvl1", 0.0);
    d.load_distance = -0.001;
    EXPECT(LSM_STATUS_NEGATIVE_VALUE, lsm_create_streaming_volume(g_m, &d, &id));
    d = volume_desc("Sneaky", "Lvl1", 0.0);
    d.unload_distance = -300.0;
    EXPECT(LSM_STATUS_NEGATIVE_VALUE, lsm_create_streaming_volume(g_m, &d, &id));
    EXPECT(LSM_STATUS_NEGATIVE_VALUE, lsm_set_volume_distances(g_m, v1, -5.0, 200.0, 0.0));
    EXPECT(LSM_STATUS_NEGATIVE_VALUE, lsm_set_volume_distances(g_m, v1, 9000.0, -200.0, 0.0));
    EXPECT(LSM_STATUS_NEGATIVE_VALUE, lsm_set_volume_distances(g_m, v1, 9000.0, 200.0, -1.0));
    l = level_desc("NewLevel", LSM_PRIORITY_NORMAL);
    l.estimated_memory_mb = -1.0;
    EXPECT(LSM_STATUS_NEGATIVE_VALUE, lsm_register_level(g_m, &l, &id));

    /* Unload below load (0 would mean "default", so use a small positive one). */
    d = volume_desc("Sneaky", "Lvl1", 0.0);
    d.load_distance = 500.0;
    d.unload_distance = 499.0;
    EXPECT(LSM_STATUS_UNLOAD_BELOW_LOAD, lsm_create_streaming_volume(g_m, &d, &id));
    /* A radius big enough to reach the origin: must not be half-applied. */
    EXPECT(LSM_STATUS_UNLOAD_BELOW_LOAD, lsm_set_volume_distances(g_m, v1, 9000.0, 500.0, 100.0));

    CHECK(id == SENTINEL_U32);
}

static void bad_updates(void)
{
    LsmStreamingSource s[2];
    const double non_finite[] = {NAN, INFINITY, -INFINITY};
    size_t i;
    /* The first source is valid and sits on V0: a half-applied update would
     * make Lvl0 wanted and issue a LOAD, which the snapshot would see. */
    for (i = 0; i < 3; i++) {
        const double bad = non_finite[i];
        s[0] = source_at(0, 0, 0);
        s[1] = source_at(bad, 0, 0);
        EXPECT(LSM_STATUS_NON_FINITE_VALUE, lsm_update(g_m, s, 2, 1.0 / 60.0));
        s[1] = source_at(0, 0, bad);
        EXPECT(LSM_STATUS_NON_FINITE_VALUE, lsm_update(g_m, s, 2, 1.0 / 60.0));
        s[1] = source_at(0, 0, 0);
        s[1].velocity.y = bad;
        EXPECT(LSM_STATUS_NON_FINITE_VALUE, lsm_update(g_m, s, 2, 1.0 / 60.0));
        s[1] = source_at(0, 0, 0);
        EXPECT(LSM_STATUS_NON_FINITE_VALUE, lsm_update(g_m, s, 2, bad));
    }
    s[0] = source_at(0, 0, 0);
    s[1] = source_at(0, 0, 0);
    EXPECT(LSM_STATUS_NEGATIVE_VALUE, lsm_update(g_m, s, 2, -1.0 / 60.0));
    EXPECT(LSM_STATUS_NEGATIVE_VALUE, lsm_update(g_m, s, 2, -1e-300));
    s[1].priority = 6;
    EXPECT(LSM_STATUS_INVALID_ARGUMENT, lsm_update(g_m, s, 2, 1.0 / 60.0));
    s[1].priority = UINT32_MAX;
    EXPECT(LSM_STATUS_INVALID_ARGUMENT, lsm_update(g_m, s, 2, 1.0 / 60.0));
    /* A garbage count is refused before anything is read. */
    EXPECT(LSM_STATUS_INVALID_ARGUMENT, lsm_update(g_m, NULL, SIZE_MAX, 1.0 / 60.0));
}

static void unknown_things(uint32_t removed_volume)
{
    uint32_t id = SENTINEL_U32;
    size_t len = SENTINEL_SIZE;
    LsmStreamingState st = SENTINEL_U32;
    char buf[32];
    LsmVec3 c = {0.0, 0.0, 0.0};
    const uint32_t bad_volumes[] = {removed_volume, 999, LSM_INVALID_ID};
    const uint32_t bad_levels[] = {(uint32_t)lsm_level_count(g_m), 999, LSM_INVALID_ID};
    size_t i;
    memset(buf, SENTINEL_CHAR, sizeof buf);

    EXPECT(LSM_STATUS_UNKNOWN_LEVEL, lsm_get_level_state(g_m, "NoSuchLevel", &st));
    EXPECT(LSM_STATUS_UNKNOWN_LEVEL, lsm_load_level(g_m, "NoSuchLevel"));
    EXPECT(LSM_STATUS_UNKNOWN_LEVEL, lsm_unload_level(g_m, "NoSuchLevel"));
    EXPECT(LSM_STATUS_UNKNOWN_LEVEL, lsm_set_level_visible(g_m, "NoSuchLevel", true));
    EXPECT(LSM_STATUS_UNKNOWN_LEVEL, lsm_find_level(g_m, "NoSuchLevel", &id));
    EXPECT(LSM_STATUS_UNKNOWN_LEVEL, lsm_find_level(g_m, "reg", &id)); /* names are case-sensitive */
    EXPECT(LSM_STATUS_UNKNOWN_LEVEL, lsm_find_level(g_m, "", &id));
    for (i = 0; i < 3; i++) {
        EXPECT(LSM_STATUS_UNKNOWN_LEVEL, lsm_level_name(g_m, bad_levels[i], buf, sizeof buf, &len));
        EXPECT(LSM_STATUS_UNKNOWN_LEVEL, lsm_get_level_state_by_id(g_m, bad_levels[i], &st));
    }
    for (i = 0; i < 3; i++) {
        EXPECT(LSM_STATUS_UNKNOWN_VOLUME, lsm_remove_streaming_volume(g_m, bad_volumes[i]));
        EXPECT(LSM_STATUS_UNKNOWN_VOLUME, lsm_set_volume_enabled(g_m, bad_volumes[i], true));
        EXPECT(LSM_STATUS_UNKNOWN_VOLUME, lsm_set_volume_enabled(g_m, bad_volumes[i], false));
        EXPECT(LSM_STATUS_UNKNOWN_VOLUME, lsm_move_streaming_volume(g_m, bad_volumes[i], c));
        EXPECT(LSM_STATUS_UNKNOWN_VOLUME, lsm_set_volume_distances(g_m, bad_volumes[i], 1.0, 2.0, 0.0));
    }
    EXPECT(LSM_STATUS_UNKNOWN_VOLUME, lsm_find_volume(g_m, "NoSuchVolume", &id));
    EXPECT(LSM_STATUS_UNKNOWN_VOLUME, lsm_find_volume(g_m, "VRemoved", &id));
    EXPECT(LSM_STATUS_NOT_FOUND, lsm_unregister_event_callback(g_m, 999999));
    CHECK(id == SENTINEL_U32 && len == SENTINEL_SIZE && st == SENTINEL_U32);
    check_sentinel_bytes(buf, 0, sizeof buf, __LINE__);
}

static void names_and_priorities(void)
{
    const uint32_t bad_priorities[] = {0, 6, UINT32_MAX};
    uint32_t id = SENTINEL_U32;
    uint64_t id64 = SENTINEL_U64;
    size_t i;
    LsmVolumeDesc d;
    LsmLevelDesc l;

    d = volume_desc("V0", "Lvl1", 0.0);
    EXPECT(LSM_STATUS_DUPLICATE_NAME, lsm_create_streaming_volume(g_m, &d, &id));
    l = level_desc("Reg", LSM_PRIORITY_LOW);
    EXPECT(LSM_STATUS_DUPLICATE_NAME, lsm_register_level(g_m, &l, &id));

    d = volume_desc("", "Lvl1", 0.0);
    EXPECT(LSM_STATUS_INVALID_ARGUMENT, lsm_create_streaming_volume(g_m, &d, &id));
    d = volume_desc("Sneaky", "", 0.0);
    EXPECT(LSM_STATUS_INVALID_ARGUMENT, lsm_create_streaming_volume(g_m, &d, &id));
    l = level_desc("", LSM_PRIORITY_LOW);
    EXPECT(LSM_STATUS_INVALID_ARGUMENT, lsm_register_level(g_m, &l, &id));

    for (i = 0; i < 3; i++) {
        l = level_desc("NewLevel", bad_priorities[i]);
        EXPECT(LSM_STATUS_INVALID_ARGUMENT, lsm_register_level(g_m, &l, &id));
        d = volume_desc("Sneaky", "Lvl1", 0.0);
        d.priority = bad_priorities[i];
        EXPECT(LSM_STATUS_INVALID_ARGUMENT, lsm_create_streaming_volume(g_m, &d, &id));
    }
    EXPECT(LSM_STATUS_INVALID_ARGUMENT,
           lsm_register_event_callback(g_m, LSM_EVENT_KIND_SOURCE_STREAMING_STATE_CHANGED + 1, on_event,
                                       &g_callback_events, &id64));
    EXPECT(LSM_STATUS_INVALID_ARGUMENT,
           lsm_register_event_callback(g_m, UINT32_MAX - 1, on_event, &g_callback_events, &id64));
    CHECK(id == SENTINEL_U32 && id64 == SENTINEL_U64);

    /* A level a volume created implicitly is adopted once, then it is a duplicate. */
    {
        uint32_t lvl1 = SENTINEL_U32, adopted = SENTINEL_U32;
        CHECK_OK(lsm_find_level(g_m, "Lvl1", &lvl1));
        l = level_desc("Lvl1", LSM_PRIORITY_HIGH);
        CHECK_OK(lsm_register_level(g_m, &l, &adopted));
        CHECK(adopted == lvl1);
        EXPECT(LSM_STATUS_DUPLICATE_NAME, lsm_register_level(g_m, &l, &id));
    }
}

static void level_name_buffers(void)
{
    uint32_t reg = SENTINEL_U32;
    char buf[16];
    size_t len;
    CHECK_OK(lsm_find_level(g_m, "Reg", &reg));

    /* "Reg" needs 4 bytes with the NUL. */
    memset(buf, SENTINEL_CHAR, sizeof buf);
    len = SENTINEL_SIZE;
    EXPECT(LSM_STATUS_BUFFER_TOO_SMALL, lsm_level_name(g_m, reg, buf, 3, &len));
    CHECK(len == 3);
    check_sentinel_bytes(buf, 0, sizeof buf, __LINE__);

    len = SENTINEL_SIZE;
    EXPECT(LSM_STATUS_BUFFER_TOO_SMALL, lsm_level_name(g_m, reg, buf, 1, &len));
    CHECK(len == 3);
    check_sentinel_bytes(buf, 0, sizeof buf, __LINE__);

    len = SENTINEL_SIZE;
    EXPECT(LSM_STATUS_BUFFER_TOO_SMALL, lsm_level_name(g_m, reg, buf, 0, &len));
    CHECK(len == 3);
    check_sentinel_bytes(buf, 0, sizeof buf, __LINE__);

    /* The length query idiom: NULL buffer. */
    len = SENTINEL_SIZE;
    EXPECT(LSM_STATUS_BUFFER_TOO_SMALL, lsm_level_name(g_m, reg, NULL, 0, &len));
    CHECK(len == 3);
    EXPECT(LSM_STATUS_BUFFER_TOO_SMALL, lsm_level_name(g_m, reg, buf, 2, NULL));
    check_sentinel_bytes(buf, 0, sizeof buf, __LINE__);

    /* Exactly enough. */
    len = SENTINEL_SIZE;
    CHECK_OK(lsm_level_name(g_m, reg, buf, 4, &len));
    CHECK(len == 3 && strcmp(buf, "Reg") == 0);
    check_sentinel_bytes(buf, 4, sizeof buf, __LINE__);
    CHECK_OK(lsm_level_name(g_m, reg, buf, sizeof buf, NULL));
    CHECK(strcmp(buf, "Reg") == 0);
}

static void last_error_buffers(void)
{
    char full[256], buf[32];
    size_t len, n, cut;
    const char *accent;

    prime();
    last_error(full, sizeof full);
    len = strlen(full);
    CHECK(len > 8);
    CHECK(lsm_last_error_message(NULL, 0) == len);
    CHECK(lsm_last_error_message(NULL, 100) == len);

    memset(buf, SENTINEL_CHAR, sizeof buf);
    CHECK(lsm_last_error_message(buf, 0) == len);
    check_sentinel_bytes(buf, 0, sizeof buf, __LINE__);

    CHECK(lsm_last_error_message(buf, 1) == len);
    CHECK(buf[0] == '\0');
    check_sentinel_bytes(buf, 1, sizeof buf, __LINE__);

    memset(buf, SENTINEL_CHAR, sizeof buf);
    CHECK(lsm_last_error_message(buf, 5) == len);
    CHECK(strlen(buf) == 4 && memcmp(buf, full, 4) == 0);
    check_sentinel_bytes(buf, 5, sizeof buf, __LINE__);

    /* Reading does not consume; a successful call does not clear it. */
    CHECK(lsm_version() != NULL && lsm_volume_count(g_m) > 0);
    {
        uint32_t id;
        CHECK_OK(lsm_find_level(g_m, "Reg", &id));
    }
    memset(buf, SENTINEL_CHAR, sizeof buf);
    CHECK(lsm_last_error_message(buf, sizeof buf) == len);
    CHECK(len < sizeof buf && strcmp(buf, full) == 0);

    /* Truncation backs off to a UTF-8 character boundary. */
    {
        uint32_t id = SENTINEL_U32;
        CHECK(lsm_find_level(g_prime_m, "\xc3\xa9t\xc3\xa9", &id) == LSM_STATUS_UNKNOWN_LEVEL);
    }
    last_error(full, sizeof full);
    accent = strstr(full, "\xc3\xa9t\xc3\xa9");
    if (accent == NULL) {
        fail("message '%s' does not quote the UTF-8 name", full);
    }
    cut = (size_t)(accent - full);
    /* Room for the bytes before the accent plus the first byte of it only. */
    memset(buf, SENTINEL_CHAR, sizeof buf);
    CHECK(cut + 2 <= sizeof buf);
    n = lsm_last_error_message(buf, cut + 2);
    CHECK(n == strlen(full));
    CHECK(strlen(buf) == cut && memcmp(buf, full, cut) == 0);
    check_sentinel_bytes(buf, cut + 1, sizeof buf, __LINE__);
    /* Room for the whole character. */
    memset(buf, SENTINEL_CHAR, sizeof buf);
    CHECK(cut + 3 <= sizeof buf);
    lsm_last_error_message(buf, cut + 3);
    CHECK(strlen(buf) == cut + 2 && memcmp(buf, full, cut + 2) == 0);
}

/* Request completion and visibility need a real request and a real level. */
static void requests_and_transitions(void)
{
    LsmRequest reqs[8];
    LsmEvent events[8];
    size_t n = SENTINEL_SIZE;
    uint64_t load_id;
    size_t events_before;

    EXPECT(LSM_STATUS_UNKNOWN_REQUEST, lsm_complete_request(g_m, 0, true));
    EXPECT(LSM_STATUS_UNKNOWN_REQUEST, lsm_complete_request(g_m, 1, true)); /* none issued yet */
    EXPECT(LSM_STATUS_UNKNOWN_REQUEST, lsm_complete_request(g_m, UINT64_MAX, false));

    CHECK(state_of("Reg") == LSM_STREAMING_STATE_UNLOADED);
    EXPECT(LSM_STATUS_INVALID_TRANSITION, lsm_set_level_visible(g_m, "Reg", true));
    EXPECT(LSM_STATUS_INVALID_TRANSITION, lsm_set_level_visible(g_m, "Reg", false));

    /* A manual load issues a LOAD request. */
    CHECK_OK(lsm_load_level(g_m, "Reg"));
    CHECK(lsm_pending_request_count(g_m) == 1);
    CHECK(state_of("Reg") == LSM_STREAMING_STATE_LOADING);
    CHECK_OK(lsm_take_requests(g_m, reqs, 8, &n));
    CHECK(n == 1 && reqs[0].kind == LSM_REQUEST_KIND_LOAD);
    load_id = reqs[0].id;
    EXPECT(LSM_STATUS_UNKNOWN_REQUEST, lsm_complete_request(g_m, load_id + 1, true));
    EXPECT(LSM_STATUS_UNKNOWN_REQUEST, lsm_complete_request(g_m, load_id + 1000, true));
    CHECK_OK(lsm_complete_request(g_m, load_id, true));
    CHECK(state_of("Reg") == LSM_STREAMING_STATE_LOADED);
    EXPECT(LSM_STATUS_REQUEST_ALREADY_COMPLETED, lsm_complete_request(g_m, load_id, true));
    EXPECT(LSM_STATUS_REQUEST_ALREADY_COMPLETED, lsm_complete_request(g_m, load_id, false));
    CHECK(drain() == 1); /* MAKE_VISIBLE */
    CHECK(state_of("Reg") == LSM_STREAMING_STATE_ACTIVE);
    EXPECT(LSM_STATUS_REQUEST_ALREADY_COMPLETED, lsm_complete_request(g_m, load_id, true));

    /* Refused polls do not consume events. */
    events_before = g_callback_events;
    CHECK(events_before >= 3);
    EXPECT(LSM_STATUS_NULL_ARGUMENT, lsm_poll_events(g_m, NULL, 8, &n));
    EXPECT(LSM_STATUS_NULL_ARGUMENT, lsm_poll_events(g_m, events, 8, NULL));
    CHECK(poll_all() == events_before);

    /* Release the pin: it unloads again. */
    CHECK_OK(lsm_unload_level(g_m, "Reg"));
    CHECK(drain() == 1);
    CHECK(state_of("Reg") == LSM_STREAMING_STATE_UNLOADED);
    EXPECT(LSM_STATUS_INVALID_TRANSITION, lsm_set_level_visible(g_m, "Reg", true));
    poll_all();
}

int main(void)
{
    LsmConfig config;
    uint32_t v0 = SENTINEL_U32, v1 = SENTINEL_U32, removed = SENTINEL_U32, id = SENTINEL_U32;
    uint64_t cb = SENTINEL_U64;
    LsmLevelDesc l;
    LsmVolumeDesc d;

    version_checks();

    g_prime_m = lsm_manager_create(NULL);
    if (g_prime_m == NULL) {
        fail("lsm_manager_create(NULL) failed");
    }
    CHECK(lsm_last_error_message(NULL, 0) == 0); /* nothing failed yet on this thread */
    invalid_configs();

    CHECK_OK(lsm_config_default(&config));
    g_m = lsm_manager_create(&config);
    CHECK(g_m != NULL);
    CHECK_OK(lsm_register_event_callback(g_m, LSM_EVENT_FILTER_ALL, on_event, &g_callback_events, &cb));
    CHECK(cb != SENTINEL_U64);
    /* The id output is optional. */
    CHECK_OK(lsm_register_event_callback(g_m, LSM_EVENT_KIND_STREAMING_COMPLETE, on_event,
                                         &g_other_callback_events, NULL));

    /* The world: a registered level, two volumes far apart, a removed one. */
    l = level_desc("Reg", LSM_PRIORITY_HIGH);
    CHECK_OK(lsm_register_level(g_m, &l, &id));
    CHECK(id == 0);
    d = volume_desc("V0", "Lvl0", 0.0);
    CHECK_OK(lsm_create_streaming_volume(g_m, &d, &v0));
    d = volume_desc("V1", "Lvl1", 5000.0);
    d.unload_distance = 300.0;
    CHECK_OK(lsm_create_streaming_volume(g_m, &d, &v1));
    d = volume_desc("VRemoved", "LvlRemoved", -5000.0);
    CHECK_OK(lsm_create_streaming_volume(g_m, &d, &removed));
    CHECK(v0 != v1 && v1 != removed && v0 != removed);
    CHECK_OK(lsm_remove_streaming_volume(g_m, removed));
    /* Optional outputs may be NULL. */
    l = level_desc("Spare", LSM_PRIORITY_BACKGROUND);
    CHECK_OK(lsm_register_level(g_m, &l, NULL));
    d = volume_desc("VSpare", "Spare", -9000.0);
    CHECK_OK(lsm_create_streaming_volume(g_m, &d, NULL));
    CHECK(lsm_volume_count(g_m) == 3);
    CHECK(lsm_level_count(g_m) == 5);

    null_manager();
    invalid_handle();
    null_arguments();
    invalid_utf8();
    bad_numbers(v1);
    bad_updates();
    unknown_things(removed);
    names_and_priorities();
    level_name_buffers();
    last_error_buffers();
    requests_and_transitions();

    /* The refused calls left the world as built: a source at the origin
     * wants exactly Lvl0 (V0), not Lvl1 (V1 far away, not moved or grown). */
    {
        LsmStreamingSource s = source_at(0, 0, 0);
        CHECK_OK(lsm_update(g_m, &s, 1, 1.0 / 60.0));
        CHECK(drain() == 2);
        CHECK(state_of("Lvl0") == LSM_STREAMING_STATE_ACTIVE);
        CHECK(state_of("Lvl1") == LSM_STREAMING_STATE_UNLOADED);
        CHECK(state_of("Reg") == LSM_STREAMING_STATE_UNLOADED);
        CHECK(state_of("Spare") == LSM_STREAMING_STATE_UNLOADED);
        CHECK(lsm_volume_count(g_m) == 3);
        CHECK(lsm_level_count(g_m) == 5);
        /* Source priority 0 means NORMAL and is accepted; no sources releases all. */
        s.priority = 0;
        CHECK_OK(lsm_update(g_m, &s, 1, 0.0));
        CHECK_OK(lsm_update(g_m, NULL, 0, 0.0));
        CHECK(drain() == 1);
        CHECK(state_of("Lvl0") == LSM_STREAMING_STATE_UNLOADED);
        poll_all();
        CHECK(g_other_callback_events >= 1); /* STREAMING_COMPLETE after Lvl0 arrived */
        CHECK(lsm_dropped_event_count(g_m) == 0);
    }

    CHECK_OK(lsm_unregister_event_callback(g_m, cb));
    EXPECT(LSM_STATUS_NOT_FOUND, lsm_unregister_event_callback(g_m, cb));

    lsm_manager_destroy(g_m);
    lsm_manager_destroy(g_prime_m);
    printf("bad_inputs: OK: %u refused calls checked (status, message, nothing changed)\n", g_refusals);
    return 0;
}
