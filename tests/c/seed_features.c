/*
 * The seed features through the C ABI: a memory budget driven through
 * WARNING and CRITICAL with its events and the eviction order, LOD, the
 * profiler's performance warning, occlusion, loading screens, the
 * performance report's buffer protocol, and stream_around.
 *
 * Exit status 0 on success; 1 with a message on stderr otherwise.
 */
#include "level_streaming.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int g_line;
#define CHECK(cond)                                                                  \
    do {                                                                             \
        g_line = __LINE__;                                                           \
        if (!(cond)) fail_at(#cond);                                                 \
    } while (0)
#define OK(call) CHECK((call) == LSM_STATUS_OK)

static LsmManager *g_m;

static void fail_at(const char *what)
{
    char msg[512];
    lsm_last_error_message(msg, sizeof msg);
    fprintf(stderr, "seed_features: FAILED line %d: %s (last error: '%s')\n", g_line, what, msg);
    exit(1);
}

/* Completes every request until none is pending. */
static void settle(void)
{
    LsmRequest reqs[64];
    size_t n, i;
    for (;;) {
        OK(lsm_take_requests(g_m, reqs, 64, &n));
        if (n == 0) return;
        for (i = 0; i < n; i++) OK(lsm_complete_request(g_m, reqs[i].id, true));
    }
}

static LsmEvent g_events[512];
static size_t g_event_count;

static void drain(void)
{
    OK(lsm_poll_events(g_m, g_events, 512, &g_event_count));
}

static int count_kind(LsmEventKind kind)
{
    size_t i;
    int n = 0;
    for (i = 0; i < g_event_count; i++) n += g_events[i].kind == kind;
    return n;
}

static void level(const char *name, LsmPriority priority, double mb)
{
    LsmLevelDesc d;
    d.name = name;
    d.estimated_memory_mb = mb;
    d.priority = (uint32_t)priority;
    OK(lsm_register_level(g_m, &d, NULL));
    OK(lsm_allocate_level_to_budget(g_m, "world", name, mb));
}

static LsmStreamingState state(const char *name)
{
    LsmStreamingState s;
    OK(lsm_get_level_state(g_m, name, &s));
    return s;
}

static uint32_t level_id(const char *name)
{
    uint32_t id;
    OK(lsm_find_level(g_m, name, &id));
    return id;
}

static void budgets(void)
{
    LsmMemoryStatus status;
    LsmBudgetStatus b;
    size_t i;
    int warning = 0, critical = 0;
    uint32_t evicted[8];
    int n_evicted = 0;

    OK(lsm_create_memory_budget(g_m, "world", 1000.0, LSM_PRIORITY_HIGH, NULL));
    level("Bg", LSM_PRIORITY_BACKGROUND, 200.0);
    level("Low", LSM_PRIORITY_LOW, 200.0);
    level("Norm", LSM_PRIORITY_NORMAL, 200.0);
    level("Keep", LSM_PRIORITY_CRITICAL, 200.0);
    level("Hi", LSM_PRIORITY_HIGH, 160.0);
    level("Late", LSM_PRIORITY_HIGH, 300.0);

    /* 200, 400, 600, 800 (WARNING), 960 (CRITICAL). */
    OK(lsm_load_level(g_m, "Bg"));
    OK(lsm_load_level(g_m, "Low"));
    OK(lsm_load_level(g_m, "Norm"));
    OK(lsm_load_level(g_m, "Keep"));
    settle();
    OK(lsm_get_budget_status(g_m, "world", &b));
    CHECK(b.current_usage_mb == 800.0 && b.state == LSM_MEMORY_STATE_WARNING);
    OK(lsm_load_level(g_m, "Hi"));
    settle();
    drain();
    for (i = 0; i < g_event_count; i++) {
        if (g_events[i].kind != LSM_EVENT_KIND_MEMORY_STATE_CHANGED) continue;
        warning += g_events[i].new_memory_state == LSM_MEMORY_STATE_WARNING;
        critical += g_events[i].new_memory_state == LSM_MEMORY_STATE_CRITICAL;
    }
    CHECK(warning == 1 && critical == 1);
    OK(lsm_get_memory_status(g_m, &status));
    CHECK(status.used_memory_mb == 960.0 && status.total_memory_mb == 1000.0);
    CHECK(status.worst_state == LSM_MEMORY_STATE_CRITICAL && status.budget_count == 1);
    OK(lsm_get_budget_status_by_index(g_m, 0, &b));
    CHECK(b.evicting && b.level_count == 6 && b.allocated_memory_mb == 1260.0);

    /* Release Keep (CRITICAL: never evicted) and Norm: Norm goes at once
       (the budget is CRITICAL), bringing it to 760, below WARNING. */
    OK(lsm_unload_level(g_m, "Keep"));
    OK(lsm_unload_level(g_m, "Norm"));
    settle();
    drain();
    for (i = 0; i < g_event_count; i++) {
        if (g_events[i].kind == LSM_EVENT_KIND_LEVEL_EVICTED && n_evicted < 8) {
            evicted[n_evicted++] = g_events[i].level_id;
        }
    }
    CHECK(n_evicted == 1 && evicted[0] == level_id("Norm"));
    CHECK(state("Keep") == LSM_STREAMING_STATE_HIDDEN); /* cached, not evicted */
    OK(lsm_get_budget_status(g_m, "world", &b));
    CHECK(b.current_usage_mb == 760.0 && b.state == LSM_MEMORY_STATE_NORMAL && !b.evicting);

    /* Release Low and Bg (cached), then load Late (300): 760 + 300 > 1000,
       so Bg (BACKGROUND) is evicted first, then it fits (560 + 300 = 860). */
    OK(lsm_unload_level(g_m, "Low"));
    OK(lsm_unload_level(g_m, "Bg"));
    settle();
    drain();
    OK(lsm_load_level(g_m, "Late"));
    settle();
    drain();
    n_evicted = 0;
    for (i = 0; i < g_event_count; i++) {
        if (g_events[i].kind == LSM_EVENT_KIND_LEVEL_EVICTED && n_evicted < 8) {
            evicted[n_evicted++] = g_events[i].level_id;
        }
    }
    CHECK(n_evicted == 1 && evicted[0] == level_id("Bg"));
    CHECK(state("Late") == LSM_STREAMING_STATE_ACTIVE);
    CHECK(state("Low") == LSM_STREAMING_STATE_HIDDEN);

    /* Bad input. */
    CHECK(lsm_allocate_level_to_budget(g_m, "nope", "Bg", 1.0) == LSM_STATUS_NOT_FOUND);
    CHECK(lsm_create_memory_budget(g_m, "world", 1.0, LSM_PRIORITY_LOW, NULL) == LSM_STATUS_DUPLICATE_NAME);
    CHECK(lsm_set_budget_thresholds(g_m, "world", 0.9, 0.5) == LSM_STATUS_INVALID_ARGUMENT);
}

static void lod(void)
{
    LsmLodLevel l;
    LsmLodQuality q;
    LsmRequest reqs[8];
    size_t n;
    OK(lsm_set_lod(g_m, "Late", LSM_LOD_LEVEL_LOW));
    OK(lsm_take_requests(g_m, reqs, 8, &n));
    CHECK(n == 1 && reqs[0].kind == LSM_REQUEST_KIND_SET_LOD && reqs[0].lod == LSM_LOD_LEVEL_LOW);
    OK(lsm_complete_request(g_m, reqs[0].id, true));
    OK(lsm_get_lod(g_m, "Late", &l));
    CHECK(l == LSM_LOD_LEVEL_LOW);
    OK(lsm_get_lod_quality_values(g_m, "Late", &q));
    CHECK(q.texture_quality == 0.4 && q.mesh_quality == 0.7 && q.draw_distance == 4000.0 && q.shadow_quality == 0.3);
    OK(lsm_calculate_optimal_lod(g_m, 500.0, 4096.0, 10.0, &l));
    CHECK(l == LSM_LOD_LEVEL_ULTRA);
    OK(lsm_calculate_optimal_lod(g_m, 500.0, 4096.0, 40.0, &l));
    CHECK(l == LSM_LOD_LEVEL_MEDIUM);
    CHECK(lsm_set_lod(g_m, "Late", 7) == LSM_STATUS_INVALID_ARGUMENT);
    CHECK(lsm_lod_quality(LSM_LOD_LEVEL_MINIMAL, &q) == LSM_STATUS_OK && q.draw_distance == 2000.0);
}

static void profiler(void)
{
    int i;
    LsmMetricStats s;
    for (i = 0; i < 40; i++) OK(lsm_record_frame(g_m, 25.0, 512.0, 2000, 5000000));
    drain();
    CHECK(count_kind(LSM_EVENT_KIND_PERFORMANCE_WARNING) == 1);
    OK(lsm_get_metric_stats(g_m, LSM_PROFILING_METRIC_FRAME_TIME, &s));
    CHECK(s.count == 40 && s.mean == 25.0 && s.p99 == 25.0);
    for (i = 0; i < 40; i++) OK(lsm_record_frame(g_m, 10.0, 512.0, 2000, 5000000));
    drain();
    CHECK(count_kind(LSM_EVENT_KIND_PERFORMANCE_RECOVERED) == 1);
    CHECK(lsm_record_frame(g_m, -1.0, 0.0, 0, 0) == LSM_STATUS_NEGATIVE_VALUE);
}

static void occlusion(void)
{
    double e;
    LsmOcclusionStats s;
    OK(lsm_create_occlusion_data(g_m, "Late", LSM_OCCLUSION_TYPE_HIERARCHICAL));
    OK(lsm_update_occlusion(g_m, "Late", 20, 80, &e));
    CHECK(e == 0.8);
    OK(lsm_get_occlusion_stats(g_m, "Late", &s));
    CHECK(s.rating == LSM_CULLING_RATING_EXCELLENT && s.updates == 1 && s.triangles_saved_total > 0.0);
    CHECK(lsm_culling_rating(0.59) == LSM_CULLING_RATING_MINIMUM);
}

static void loading_and_report(void)
{
    uint32_t screen;
    double progress;
    LsmLoadingScreenInfo info;
    char small[8];
    char *json;
    size_t len = 0;
    OK(lsm_create_loading_screen(g_m, "Loading", "the coast", 4, &screen));
    OK(lsm_show_loading_screen(g_m, screen));
    OK(lsm_update_loading_progress(g_m, screen, 1, &progress));
    CHECK(progress == 0.25);
    OK(lsm_get_loading_screen(g_m, screen, &info));
    CHECK(info.visible && info.total_assets == 4 && info.assets_loaded == 1);
    OK(lsm_hide_loading_screen(g_m, screen));

    memset(small, 'x', sizeof small);
    CHECK(lsm_get_performance_report(g_m, small, sizeof small, &len) == LSM_STATUS_BUFFER_TOO_SMALL);
    CHECK(len > 100 && small[0] == 'x');
    json = (char *)malloc(len + 1);
    CHECK(json != NULL);
    OK(lsm_get_performance_report(g_m, json, len + 1, &len));
    CHECK(json[0] == '{' && strlen(json) == len);
    CHECK(strstr(json, "\"memory\"") && strstr(json, "\"FRAME_TIME\"") && strstr(json, "\"Late\""));
    free(json);
}

static void teleport(void)
{
    LsmVolumeDesc d;
    LsmStreamingSource s;
    LsmStreamProgress p;
    uint32_t handle;
    memset(&d, 0, sizeof d);
    d.name = "dest";
    d.level_name = "Dest";
    d.center.x = 50000.0;
    d.radius = 100.0;
    d.load_distance = 300.0;
    d.priority = LSM_PRIORITY_NORMAL;
    d.enabled = true;
    OK(lsm_create_streaming_volume(g_m, &d, NULL));
    memset(&s, 0, sizeof s);
    OK(lsm_update(g_m, &s, 1, 0.1));
    settle();
    drain();
    OK(lsm_stream_around(g_m, d.center, 0.0, &handle));
    OK(lsm_get_stream_around_progress(g_m, handle, &p));
    CHECK(p.total_levels == 1 && !p.complete);
    settle();
    drain();
    CHECK(count_kind(LSM_EVENT_KIND_STREAM_AROUND_COMPLETE) == 1);
    s.position.x = 50000.0;
    OK(lsm_update(g_m, &s, 1, 0.1));
    drain();
    CHECK(count_kind(LSM_EVENT_KIND_SOURCE_TELEPORTED) == 1);
    OK(lsm_release_stream_around(g_m, handle));
    CHECK(state("Dest") == LSM_STREAMING_STATE_ACTIVE); /* the source is there now */
    CHECK(lsm_release_stream_around(g_m, handle) == LSM_STATUS_NOT_FOUND);
}

int main(void)
{
    LsmConfig config;
    OK(lsm_config_default(&config));
    config.max_loads_in_flight = 0;
    config.performance_warning_frames = 30;
    config.performance_recovery_frames = 30;
    g_m = lsm_manager_create(&config);
    CHECK(g_m != NULL);
    budgets();
    lod();
    profiler();
    occlusion();
    loading_and_report();
    teleport();
    lsm_manager_destroy(g_m);
    printf("seed_features: budgets, eviction, LOD, profiler, occlusion, loading screens, report, stream_around: ok\n");
    return 0;
}
