/*
 * wireseal's own libpcap binding (plain N-API, C). Two jobs:
 *
 *  - live capture: pcap_create + options + pcap_activate, nonblocking, driven by a libuv poll handle on
 *    pcap_get_selectable_fd. Packets are copied into ONE batch buffer (a JS Buffer created at open) as records
 *      [u32 sec][u32 nsec][u32 caplen][u32 origlen][caplen bytes, padded to 4]
 *    and JavaScript is called once per batch with (count, usedBytes). pcap_stats is exposed.
 *  - offline filtering: pcap_open_dead(linktype, snaplen) + pcap_compile, then pcap_offline_filter over a packet
 *    the caller already holds (a view into its own read buffer: nothing is copied).
 *
 * Lifetime of a live capture (the reason this binding exists): while open, the JS object is held by a strong
 * reference so garbage collection cannot take it; close() stops polling and calls uv_close exactly once; the
 * close callback releases the reference, closes pcap and frees the C state once the JS wrapper is also gone. A
 * close() requested from inside a batch callback is deferred until pcap_dispatch has returned. An environment
 * that shuts down with a capture still open (a worker thread ending) closes it through an async cleanup hook.
 *
 * Context-aware: registered with NAPI_MODULE_INIT, no static JS values; per-environment state is instance data.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <pcap/pcap.h>
#include <uv.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REC_HDR 16u
#define DEFAULT_BATCH (1u << 20)
#define MAX_DISPATCH_ROUNDS 64

/* ---------------------------------------------------------------------------------------------------------- */
/* helpers */

#define CHECK(call)                                                                                              \
  do {                                                                                                           \
    if ((call) != napi_ok) return throw_last(env);                                                               \
  } while (0)

static napi_value throw_last(napi_env env) {
  const napi_extended_error_info *info = NULL;
  napi_get_last_error_info(env, &info);
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending) napi_throw_error(env, "EADDON", info && info->error_message ? info->error_message : "N-API call failed");
  return NULL;
}

static napi_value throw_code(napi_env env, const char *code, const char *msg) {
  napi_throw_error(env, code, msg);
  return NULL;
}

/* Reads an optional integer property; returns def when absent or undefined. */
static int get_int_prop(napi_env env, napi_value obj, const char *name, int64_t def, int64_t *out) {
  bool has = false;
  *out = def;
  if (napi_has_named_property(env, obj, name, &has) != napi_ok || !has) return 0;
  napi_value v;
  napi_valuetype t;
  if (napi_get_named_property(env, obj, name, &v) != napi_ok) return -1;
  napi_typeof(env, v, &t);
  if (t == napi_undefined) return 0;
  if (t != napi_number) return -1;
  return napi_get_value_int64(env, v, out) == napi_ok ? 0 : -1;
}

static int get_bool_prop(napi_env env, napi_value obj, const char *name, bool def, bool *out) {
  bool has = false;
  *out = def;
  if (napi_has_named_property(env, obj, name, &has) != napi_ok || !has) return 0;
  napi_value v;
  napi_valuetype t;
  if (napi_get_named_property(env, obj, name, &v) != napi_ok) return -1;
  napi_typeof(env, v, &t);
  if (t == napi_undefined) return 0;
  if (t != napi_boolean) return -1;
  return napi_get_value_bool(env, v, out) == napi_ok ? 0 : -1;
}

/* Copies a JS string argument into a malloc'd C string (NULL on failure, exception set). */
static char *get_string(napi_env env, napi_value v, const char *what) {
  size_t len = 0;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) {
    char msg[96];
    snprintf(msg, sizeof msg, "%s must be a string", what);
    napi_throw_type_error(env, "EARG", msg);
    return NULL;
  }
  char *s = malloc(len + 1);
  if (!s) {
    napi_throw_error(env, "ENOMEM", "out of memory");
    return NULL;
  }
  napi_get_value_string_utf8(env, v, s, len + 1, &len);
  return s;
}

/* ---------------------------------------------------------------------------------------------------------- */
/* per-environment instance data */

typedef struct {
  napi_ref live_ctor;
  napi_ref filter_ctor;
} addon_data;

static void addon_data_free(napi_env env, void *data, void *hint) {
  (void)hint;
  addon_data *d = data;
  if (d->live_ctor) napi_delete_reference(env, d->live_ctor);
  if (d->filter_ctor) napi_delete_reference(env, d->filter_ctor);
  free(d);
}

/* ---------------------------------------------------------------------------------------------------------- */
/* live capture */

typedef struct live {
  napi_env env;
  pcap_t *p;
  uv_poll_t poll;
  napi_ref self;     /* strong while open: the JS object cannot be collected mid-capture */
  napi_ref callback; /* onBatch(count, usedBytes, error?) */
  napi_ref batch;    /* the batch Buffer */
  uint8_t *buf;
  size_t cap;
  size_t used;
  uint32_t count;
  int nsec;             /* 1: pcap gives nanoseconds, 0: microseconds */
  int polling;          /* uv_poll_start done and not stopped */
  int poll_inited;      /* uv_poll_init succeeded: uv_close is owed exactly once */
  int closing;          /* close requested */
  int close_started;    /* uv_close called */
  int in_dispatch;      /* inside pcap_dispatch (close must wait) */
  int wrapper_gone;     /* JS finalizer ran */
  int native_gone;      /* uv close callback ran (or no poll ever started) */
  napi_async_cleanup_hook_handle cleanup;
  struct pcap_stat last_stats; /* kept at close so stats() answers afterwards */
  int have_last_stats;
} live;

static void live_maybe_free(live *l) {
  if (l->wrapper_gone && l->native_gone) free(l);
}

/* Calls onBatch with what the batch holds and empties it. Runs on the loop thread, inside a uv callback. */
static void live_flush(live *l, const char *error) {
  if (l->count == 0 && error == NULL) return;
  napi_env env = l->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value cb, self, argv[3];
  if (napi_get_reference_value(env, l->callback, &cb) == napi_ok &&
      napi_get_reference_value(env, l->self, &self) == napi_ok && cb != NULL && self != NULL) {
    napi_create_uint32(env, l->count, &argv[0]);
    napi_create_uint32(env, (uint32_t)l->used, &argv[1]);
    if (error)
      napi_create_string_utf8(env, error, NAPI_AUTO_LENGTH, &argv[2]);
    else
      napi_get_undefined(env, &argv[2]);
    l->count = 0;
    l->used = 0;
    napi_value ret;
    napi_status st = napi_call_function(env, self, cb, 3, argv, &ret);
    if (st == napi_pending_exception) {
      /* An exception thrown by the batch handler must not vanish: hand it to the process like any uncaught one. */
      napi_value exc;
      napi_get_and_clear_last_exception(env, &exc);
      napi_fatal_exception(env, exc);
    }
  }
  l->count = 0;
  l->used = 0;
  napi_close_handle_scope(env, scope);
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes) {
  live *l = (live *)user;
  if (l->closing) return;
  size_t need = REC_HDR + ((h->caplen + 3u) & ~3u);
  if (l->used + need > l->cap) {
    live_flush(l, NULL);
    if (l->closing) {
      pcap_breakloop(l->p);
      return;
    }
    if (need > l->cap) return; /* cannot happen: cap >= snaplen + header, checked at open */
  }
  uint8_t *r = l->buf + l->used;
  uint32_t hdr[4];
  hdr[0] = (uint32_t)h->ts.tv_sec;
  hdr[1] = l->nsec ? (uint32_t)h->ts.tv_usec : (uint32_t)h->ts.tv_usec * 1000u;
  hdr[2] = h->caplen;
  hdr[3] = h->len;
  memcpy(r, hdr, REC_HDR);
  memcpy(r + REC_HDR, bytes, h->caplen);
  l->used += need;
  l->count++;
}

static void live_start_close(live *l);

static void on_closed(uv_handle_t *handle) {
  live *l = handle->data;
  if (l->p) {
    pcap_close(l->p);
    l->p = NULL;
  }
  napi_env env = l->env;
  if (l->callback) napi_delete_reference(env, l->callback);
  if (l->batch) napi_delete_reference(env, l->batch);
  if (l->self) napi_delete_reference(env, l->self);
  l->callback = l->batch = l->self = NULL;
  l->buf = NULL;
  if (l->cleanup) {
    napi_async_cleanup_hook_handle c = l->cleanup;
    l->cleanup = NULL;
    napi_remove_async_cleanup_hook(c);
  }
  l->native_gone = 1;
  live_maybe_free(l);
}

static void on_readable(uv_poll_t *handle, int status, int events) {
  (void)events;
  live *l = handle->data;
  if (l->closing) return;
  if (status < 0) {
    live_flush(l, uv_strerror(status));
    live_start_close(l);
    return;
  }
  const char *err = NULL;
  char errbuf[PCAP_ERRBUF_SIZE + 1];
  l->in_dispatch = 1;
  for (int round = 0; round < MAX_DISPATCH_ROUNDS && !l->closing; round++) {
    int n = pcap_dispatch(l->p, -1, on_packet, (u_char *)l);
    if (n == PCAP_ERROR) {
      snprintf(errbuf, sizeof errbuf, "%s", pcap_geterr(l->p));
      err = errbuf;
      break;
    }
    if (n <= 0) break; /* 0: nothing more now; PCAP_ERROR_BREAK: close requested */
  }
  l->in_dispatch = 0;
  if (!l->closing) live_flush(l, err);
  if (err != NULL || l->closing) live_start_close(l);
}

/* Stops polling and closes the handle; exactly once, never while pcap_dispatch runs. */
static void live_start_close(live *l) {
  l->closing = 1;
  if (l->in_dispatch || l->close_started) return;
  l->close_started = 1;
  if (l->p && !l->have_last_stats && pcap_stats(l->p, &l->last_stats) == 0) l->have_last_stats = 1;
  if (l->poll_inited) {
    if (l->polling) {
      uv_poll_stop(&l->poll);
      l->polling = 0;
    }
    uv_close((uv_handle_t *)&l->poll, on_closed);
  } else {
    on_closed((uv_handle_t *)&l->poll);
  }
}

static void on_env_cleanup(napi_async_cleanup_hook_handle handle, void *arg) {
  (void)handle;
  live *l = arg;
  /* The environment is going away: on_closed removes this hook once uv has closed the poll handle. */
  if (l->close_started) return;
  live_start_close(l);
}

static void live_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  live *l = data;
  l->wrapper_gone = 1;
  live_maybe_free(l);
}

static live *unwrap_live(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv) {
  napi_value self;
  void *data = NULL;
  if (napi_get_cb_info(env, info, argc, argv, &self, NULL) != napi_ok) return NULL;
  if (napi_unwrap(env, self, &data) != napi_ok || data == NULL) {
    napi_throw_type_error(env, "EARG", "not a live capture");
    return NULL;
  }
  return data;
}

static const char *activate_code(int rc) {
  switch (rc) {
    case PCAP_ERROR_NO_SUCH_DEVICE: return "ENODEV";
    case PCAP_ERROR_PERM_DENIED:
    case PCAP_ERROR_PROMISC_PERM_DENIED: return "EPERM";
    case PCAP_ERROR_IFACE_NOT_UP: return "ENETDOWN";
    case PCAP_ERROR_RFMON_NOTSUP: return "ENOTSUP";
    default: return "EPCAP";
  }
}

/* new LiveCapture(device, options, onBatch) */
static napi_value live_new(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], self;
  CHECK(napi_get_cb_info(env, info, &argc, argv, &self, NULL));
  if (argc < 3) return throw_code(env, "EARG", "LiveCapture(device, options, onBatch)");
  napi_valuetype t;
  napi_typeof(env, argv[2], &t);
  if (t != napi_function) return throw_code(env, "EARG", "onBatch must be a function");
  napi_typeof(env, argv[1], &t);
  if (t != napi_object) return throw_code(env, "EARG", "options must be an object");

  int64_t snaplen, bufsize, timeout, batch;
  bool promisc, immediate;
  if (get_int_prop(env, argv[1], "snaplen", 262144, &snaplen) || get_int_prop(env, argv[1], "bufferSize", 0, &bufsize) ||
      get_int_prop(env, argv[1], "timeoutMs", 100, &timeout) || get_int_prop(env, argv[1], "batchBytes", DEFAULT_BATCH, &batch) ||
      get_bool_prop(env, argv[1], "promisc", false, &promisc) || get_bool_prop(env, argv[1], "immediate", false, &immediate))
    return throw_code(env, "EARG", "bad option type (snaplen, bufferSize, timeoutMs, batchBytes: numbers; promisc, immediate: booleans)");
  if (snaplen < 1 || snaplen > 262144) return throw_code(env, "EARG", "snaplen must be 1..262144");
  if (bufsize < 0 || bufsize > (1LL << 31) - 1) return throw_code(env, "EARG", "bufferSize out of range");
  if (timeout < 0 || timeout > 60000) return throw_code(env, "EARG", "timeoutMs must be 0..60000");
  if (batch < snaplen + (int64_t)REC_HDR + 4) batch = snaplen + REC_HDR + 4;
  if (batch > (64LL << 20)) return throw_code(env, "EARG", "batchBytes must be at most 64 MiB");

  char *device = get_string(env, argv[0], "device");
  if (!device) return NULL;
  char *filter = NULL;
  bool has_filter = false;
  napi_has_named_property(env, argv[1], "filter", &has_filter);
  if (has_filter) {
    napi_value fv;
    napi_get_named_property(env, argv[1], "filter", &fv);
    napi_typeof(env, fv, &t);
    if (t != napi_undefined) {
      filter = get_string(env, fv, "filter");
      if (!filter) {
        free(device);
        return NULL;
      }
    }
  }

  char errbuf[PCAP_ERRBUF_SIZE];
  char msg[PCAP_ERRBUF_SIZE + 512];
  errbuf[0] = 0;
  pcap_t *p = pcap_create(device, errbuf);
  if (!p) {
    snprintf(msg, sizeof msg, "%s", errbuf[0] ? errbuf : "pcap_create failed");
    free(device);
    free(filter);
    return throw_code(env, "EPCAP", msg);
  }
  pcap_set_snaplen(p, (int)snaplen);
  pcap_set_promisc(p, promisc ? 1 : 0);
  pcap_set_timeout(p, (int)timeout);
  if (immediate) pcap_set_immediate_mode(p, 1);
  if (bufsize > 0) pcap_set_buffer_size(p, (int)bufsize);
  int nsec = pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO) == 0;
  int rc = pcap_activate(p);
  if (rc < 0) {
    const char *detail = pcap_geterr(p);
    const char *status = pcap_statustostr(rc);
    if (rc == PCAP_ERROR && detail && detail[0])
      snprintf(msg, sizeof msg, "%s: %s", device, detail);
    else if (detail && detail[0] && strcmp(detail, status) != 0)
      snprintf(msg, sizeof msg, "%s: %s (%s)", device, status, detail);
    else
      snprintf(msg, sizeof msg, "%s: %s", device, status);
    const char *code = activate_code(rc);
    pcap_close(p);
    free(device);
    free(filter);
    return throw_code(env, code, msg);
  }
  nsec = nsec && pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
  if (filter) {
    struct bpf_program prog;
    bpf_u_int32 net = 0, mask = PCAP_NETMASK_UNKNOWN;
    if (pcap_lookupnet(device, &net, &mask, errbuf) < 0) mask = PCAP_NETMASK_UNKNOWN;
    if (pcap_compile(p, &prog, filter, 1, mask) < 0) {
      snprintf(msg, sizeof msg, "bad filter \"%s\": %s", filter, pcap_geterr(p));
      pcap_close(p);
      free(device);
      free(filter);
      return throw_code(env, "EFILTER", msg);
    }
    int frc = pcap_setfilter(p, &prog);
    pcap_freecode(&prog);
    if (frc < 0) {
      snprintf(msg, sizeof msg, "cannot set filter: %s", pcap_geterr(p));
      pcap_close(p);
      free(device);
      free(filter);
      return throw_code(env, "EFILTER", msg);
    }
  }
  free(device);
  free(filter);
  if (pcap_setnonblock(p, 1, errbuf) < 0) {
    snprintf(msg, sizeof msg, "cannot make the capture nonblocking: %s", errbuf);
    pcap_close(p);
    return throw_code(env, "EPCAP", msg);
  }
  int fd = pcap_get_selectable_fd(p);
  if (fd < 0) {
    pcap_close(p);
    return throw_code(env, "EPCAP", "this capture device has no selectable descriptor");
  }

  live *l = calloc(1, sizeof *l);
  if (!l) {
    pcap_close(p);
    return throw_code(env, "ENOMEM", "out of memory");
  }
  l->env = env;
  l->p = p;
  l->nsec = nsec;
  l->poll.data = l;
  napi_value batchbuf;
  void *bufdata = NULL;
  uv_loop_t *loop = NULL;
  if (napi_create_buffer(env, (size_t)batch, &bufdata, &batchbuf) != napi_ok || napi_get_uv_event_loop(env, &loop) != napi_ok) {
    pcap_close(p);
    free(l);
    return throw_last(env);
  }
  l->buf = bufdata;
  l->cap = (size_t)batch;
  if (napi_wrap(env, self, l, live_finalize, NULL, NULL) != napi_ok) {
    pcap_close(p);
    free(l);
    return throw_last(env);
  }
  /* From here on the wrapper owns l: failures go through live_start_close. */
  napi_create_reference(env, self, 1, &l->self);
  napi_create_reference(env, argv[2], 1, &l->callback);
  napi_create_reference(env, batchbuf, 1, &l->batch);
  napi_set_named_property(env, self, "batch", batchbuf);
  napi_value v;
  napi_create_int32(env, pcap_datalink(p), &v);
  napi_set_named_property(env, self, "linkType", v);
  napi_create_int32(env, pcap_snapshot(p), &v);
  napi_set_named_property(env, self, "snaplen", v);
  napi_get_boolean(env, nsec != 0, &v);
  napi_set_named_property(env, self, "nanoseconds", v);

  int uvrc = uv_poll_init(loop, &l->poll, fd);
  if (uvrc == 0) {
    l->poll_inited = 1;
    uvrc = uv_poll_start(&l->poll, UV_READABLE, on_readable);
    if (uvrc == 0) l->polling = 1;
  }
  if (uvrc != 0) {
    snprintf(msg, sizeof msg, "cannot poll the capture descriptor: %s", uv_strerror(uvrc));
    live_start_close(l);
    return throw_code(env, "EPCAP", msg);
  }
  napi_add_async_cleanup_hook(env, on_env_cleanup, l, &l->cleanup);
  return self;
}

/* stats() -> { received, dropped, ifDropped } */
static napi_value live_stats(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  live *l = unwrap_live(env, info, &argc, NULL);
  if (!l) return NULL;
  struct pcap_stat st;
  if (l->p && !l->close_started) {
    if (pcap_stats(l->p, &st) < 0) return throw_code(env, "EPCAP", pcap_geterr(l->p));
  } else if (l->have_last_stats) {
    st = l->last_stats;
  } else {
    return throw_code(env, "ECLOSED", "capture closed before its statistics could be read");
  }
  napi_value o, v;
  napi_create_object(env, &o);
  napi_create_double(env, st.ps_recv, &v);
  napi_set_named_property(env, o, "received", v);
  napi_create_double(env, st.ps_drop, &v);
  napi_set_named_property(env, o, "dropped", v);
  napi_create_double(env, st.ps_ifdrop, &v);
  napi_set_named_property(env, o, "ifDropped", v);
  return o;
}

/* close(): idempotent. Packets not yet handed over are dropped (the caller asked to stop). */
static napi_value live_close(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  live *l = unwrap_live(env, info, &argc, NULL);
  if (!l) return NULL;
  if (l->in_dispatch && l->p) pcap_breakloop(l->p);
  live_start_close(l);
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

/* ---------------------------------------------------------------------------------------------------------- */
/* offline filter */

typedef struct {
  struct bpf_program prog;
  int snaplen;
} filter;

static void filter_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  filter *f = data;
  pcap_freecode(&f->prog);
  free(f);
}

/* new BpfFilter(linkType, snaplen, expression); throws EFILTER with pcap's message on a bad expression. */
static napi_value filter_new(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], self;
  CHECK(napi_get_cb_info(env, info, &argc, argv, &self, NULL));
  if (argc < 3) return throw_code(env, "EARG", "BpfFilter(linkType, snaplen, expression)");
  int32_t linktype, snaplen;
  if (napi_get_value_int32(env, argv[0], &linktype) != napi_ok || napi_get_value_int32(env, argv[1], &snaplen) != napi_ok)
    return throw_code(env, "EARG", "linkType and snaplen must be numbers");
  if (snaplen <= 0 || snaplen > 262144) snaplen = 262144;
  char *expr = get_string(env, argv[2], "expression");
  if (!expr) return NULL;
  pcap_t *dead = pcap_open_dead(linktype, snaplen);
  if (!dead) {
    free(expr);
    return throw_code(env, "ENOMEM", "pcap_open_dead failed");
  }
  filter *f = calloc(1, sizeof *f);
  if (!f) {
    pcap_close(dead);
    free(expr);
    return throw_code(env, "ENOMEM", "out of memory");
  }
  if (pcap_compile(dead, &f->prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
    char msg[PCAP_ERRBUF_SIZE + 512];
    snprintf(msg, sizeof msg, "bad filter \"%s\": %s", expr, pcap_geterr(dead));
    pcap_close(dead);
    free(expr);
    free(f);
    return throw_code(env, "EFILTER", msg);
  }
  pcap_close(dead);
  free(expr);
  f->snaplen = snaplen;
  if (napi_wrap(env, self, f, filter_finalize, NULL, NULL) != napi_ok) {
    pcap_freecode(&f->prog);
    free(f);
    return throw_last(env);
  }
  return self;
}

/* match(buffer, offset, caplen, origLen) -> boolean. The packet is read in place. */
static napi_value filter_match(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4], self;
  CHECK(napi_get_cb_info(env, info, &argc, argv, &self, NULL));
  void *data = NULL;
  if (argc < 4 || napi_unwrap(env, self, &data) != napi_ok || data == NULL)
    return throw_code(env, "EARG", "match(buffer, offset, caplen, origLen)");
  filter *f = data;
  void *bytes = NULL;
  size_t len = 0;
  bool is_buf = false;
  napi_is_buffer(env, argv[0], &is_buf);
  if (!is_buf || napi_get_buffer_info(env, argv[0], &bytes, &len) != napi_ok)
    return throw_code(env, "EARG", "match: buffer must be a Buffer or Uint8Array");
  uint32_t off, caplen, origlen;
  if (napi_get_value_uint32(env, argv[1], &off) != napi_ok || napi_get_value_uint32(env, argv[2], &caplen) != napi_ok ||
      napi_get_value_uint32(env, argv[3], &origlen) != napi_ok)
    return throw_code(env, "EARG", "match: offset, caplen and origLen must be numbers");
  if ((size_t)off > len || (size_t)caplen > len - off) return throw_code(env, "ERANGE", "match: packet outside the buffer");
  struct pcap_pkthdr h;
  memset(&h, 0, sizeof h);
  h.caplen = caplen;
  h.len = origlen < caplen ? caplen : origlen;
  int r = pcap_offline_filter(&f->prog, &h, (const u_char *)bytes + off);
  napi_value out;
  napi_get_boolean(env, r != 0, &out);
  return out;
}

/* ---------------------------------------------------------------------------------------------------------- */

static napi_value lib_version(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value v;
  napi_create_string_utf8(env, pcap_lib_version(), NAPI_AUTO_LENGTH, &v);
  return v;
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  addon_data *d = calloc(1, sizeof *d);
  if (!d) {
    napi_throw_error(env, "ENOMEM", "out of memory");
    return NULL;
  }
  if (napi_set_instance_data(env, d, addon_data_free, NULL) != napi_ok) {
    free(d);
    return NULL;
  }
  napi_property_descriptor live_methods[] = {
    {"stats", NULL, live_stats, NULL, NULL, NULL, napi_default_method, NULL},
    {"close", NULL, live_close, NULL, NULL, NULL, napi_default_method, NULL},
  };
  napi_property_descriptor filter_methods[] = {
    {"match", NULL, filter_match, NULL, NULL, NULL, napi_default_method, NULL},
  };
  napi_value live_ctor, filter_ctor, version;
  if (napi_define_class(env, "LiveCapture", NAPI_AUTO_LENGTH, live_new, NULL, 2, live_methods, &live_ctor) != napi_ok ||
      napi_define_class(env, "BpfFilter", NAPI_AUTO_LENGTH, filter_new, NULL, 1, filter_methods, &filter_ctor) != napi_ok ||
      napi_create_reference(env, live_ctor, 1, &d->live_ctor) != napi_ok ||
      napi_create_reference(env, filter_ctor, 1, &d->filter_ctor) != napi_ok)
    return NULL;
  napi_create_function(env, "libVersion", NAPI_AUTO_LENGTH, lib_version, NULL, &version);
  napi_set_named_property(env, exports, "LiveCapture", live_ctor);
  napi_set_named_property(env, exports, "BpfFilter", filter_ctor);
  napi_set_named_property(env, exports, "libVersion", version);
  return exports;
}
