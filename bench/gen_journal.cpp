// pullscan-genjournal: synthetic node-journal generator for pullscan's benchmarks.
//
// This file belongs to pullscan's benchmark tooling (bench/), not to the tool itself and
// not to CI. It writes a large, realistic, *mixed* Kubernetes node journal in
// `journalctl -o short` form: ordinary kubelet / containerd / systemd / kernel / sshd /
// chronyd / cron chatter with a small share (--pull-ratio, default 3% of lines) of complete
// image-pull sequences (containerd CRI + resolver lines, kubelet klog errors, back-off
// repeats) spread over several nodes and over time. bench/run.sh feeds the output to
// pullscan and to `rg -c` to measure throughput; the truth summary printed on stderr says
// how many pull attempts (by outcome and failure class) the journal holds, so the benchmark
// can check pullscan's counts. Line shapes follow ../shared/formats.md (§1.1 logrus
// quoting, §1.2–1.3 CRI and resolver lines, §2.1/§2.4 klog quoting, §4 journal short form)
// and the real containerd 1.6.20 lines in ../shared/realpull.
//
// Output is byte-identical across runs and machines for the same arguments: a private
// splitmix64 PRNG, integer-only arithmetic (no libm, no floating point), UTC everywhere.
//
// Usage: pullscan-genjournal --size 1G [--profile calm|incident] [--nodes 3] [--seed 42] [--pull-ratio 0.03]
//                            [--start 2026-03-17T08:00:00] > out.txt
// Build: g++ -O2 -std=c++20 -Wall -Wextra bench/gen_journal.cpp -o pullscan-genjournal

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <queue>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using i64 = std::int64_t;
using u64 = std::uint64_t;
using sv = std::string_view;

constexpr i64 kUs = 1000;
constexpr i64 kMs = 1000 * kUs;
constexpr i64 kSec = 1000 * kMs;

// ---------------------------------------------------------------------------------------
// PRNG (splitmix64) — deterministic on every platform.
// ---------------------------------------------------------------------------------------
struct Rng {
    u64 s;
    explicit Rng(u64 seed) : s(seed) {}
    u64 next() {
        u64 z = (s += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    // Uniform in [0, n); the modulo bias (< n / 2^64) is irrelevant here.
    u64 below(u64 n) { return next() % n; }
    i64 range(i64 lo, i64 hi) { return lo + static_cast<i64>(below(static_cast<u64>(hi - lo))); }  // [lo, hi)
    bool pct(unsigned p) { return below(100) < p; }
    template <class T, std::size_t N>
    const T& pick(const std::array<T, N>& a) { return a[below(N)]; }
    template <class T>
    const T& pick(const std::vector<T>& a) { return a[below(a.size())]; }
};

u64 fnv1a(sv s, u64 h = 1469598103934665603ULL) {
    for (unsigned char c : s) { h ^= c; h *= 1099511628211ULL; }
    return h;
}

// ---------------------------------------------------------------------------------------
// String building helpers.
// ---------------------------------------------------------------------------------------
inline void put(std::string& o, sv s) { o.append(s.data(), s.size()); }
inline void putc_(std::string& o, char c) { o.push_back(c); }

inline void put_u(std::string& o, u64 v) {
    char b[24];
    auto r = std::to_chars(b, b + sizeof b, v);
    o.append(b, static_cast<std::size_t>(r.ptr - b));
}
inline void put_pad(std::string& o, u64 v, int width, char fill) {
    char b[24];
    auto r = std::to_chars(b, b + sizeof b, v);
    int n = static_cast<int>(r.ptr - b);
    for (int i = n; i < width; ++i) o.push_back(fill);
    o.append(b, static_cast<std::size_t>(n));
}
inline void put_2(std::string& o, unsigned v) { o.push_back(static_cast<char>('0' + v / 10)); o.push_back(static_cast<char>('0' + v % 10)); }

constexpr char kHex[] = "0123456789abcdef";
void put_hex(std::string& o, Rng& r, int n) {
    while (n > 0) {
        u64 x = r.next();
        for (int i = 0; i < 16 && n > 0; ++i, --n) { o.push_back(kHex[x & 15]); x >>= 4; }
    }
}
std::string hex(Rng& r, int n) { std::string s; s.reserve(static_cast<std::size_t>(n)); put_hex(s, r, n); return s; }
std::string uuid(Rng& r) {
    std::string s = hex(r, 32);
    s[12] = '4';
    s[16] = kHex[8 + (r.below(4))];
    return s.substr(0, 8) + "-" + s.substr(8, 4) + "-" + s.substr(12, 4) + "-" + s.substr(16, 4) + "-" + s.substr(20);
}
constexpr char kKubeAlnum[] = "bcdfghjklmnpqrstvwxz2456789";  // k8s utilrand alphabet
std::string kube_rand(Rng& r, int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s.push_back(kKubeAlnum[r.below(sizeof kKubeAlnum - 1)]);
    return s;
}

// Go strconv.Quote for the text we generate (ASCII plus valid UTF-8 such as "µ").
void put_q(std::string& o, sv s) {
    o.push_back('"');
    for (unsigned char c : s) {
        switch (c) {
            case '"': o += "\\\""; break;
            case '\\': o += "\\\\"; break;
            case '\n': o += "\\n"; break;
            case '\t': o += "\\t"; break;
            case '\r': o += "\\r"; break;
            default:
                if (c < 0x20 || c == 0x7f) {
                    o += "\\x";
                    o.push_back(kHex[c >> 4]);
                    o.push_back(kHex[c & 15]);
                } else {
                    o.push_back(static_cast<char>(c));
                }
        }
    }
    o.push_back('"');
}
std::string q(sv s) { std::string o; o.reserve(s.size() + 8); put_q(o, s); return o; }

// logrus text formatter: quote iff a byte is outside [a-zA-Z0-9-._/@^+]; empty stays bare.
bool logrus_needs_quoting(sv s) {
    for (unsigned char c : s) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                  c == '.' || c == '_' || c == '/' || c == '@' || c == '^' || c == '+';
        if (!ok) return true;
    }
    return false;
}
inline void put_lv(std::string& o, sv s) {
    if (logrus_needs_quoting(s)) put_q(o, s); else put(o, s);
}

// Go time.Duration.String().
void put_go_duration(std::string& o, i64 d) {
    if (d == 0) { o += "0s"; return; }
    u64 u = static_cast<u64>(d < 0 ? -d : d);
    if (d < 0) o.push_back('-');
    auto frac = [&](u64 v, int prec, std::string& out) -> u64 {
        // returns v / 10^prec, appends ".ddd" (trailing zeros trimmed) into out (reversed later)
        char digits[12];
        int n = 0;
        bool print = false;
        for (int i = 0; i < prec; ++i) {
            unsigned dgt = static_cast<unsigned>(v % 10);
            print = print || dgt != 0;
            if (print) digits[n++] = static_cast<char>('0' + dgt);
            v /= 10;
        }
        if (print) {
            out.push_back('.');
            for (int i = n - 1; i >= 0; --i) out.push_back(digits[i]);
        }
        return v;
    };
    std::string f;
    if (u < static_cast<u64>(kSec)) {
        const char* unit;
        int prec;
        if (u < static_cast<u64>(kUs)) { unit = "ns"; prec = 0; }
        else if (u < static_cast<u64>(kMs)) { unit = "\xc2\xb5s"; prec = 3; }
        else { unit = "ms"; prec = 6; }
        u64 ip = frac(u, prec, f);
        put_u(o, ip);
        o += f;
        o += unit;
        return;
    }
    u64 secs = frac(u, 9, f);
    u64 h = secs / 3600, m = (secs / 60) % 60, s = secs % 60;
    if (h > 0) { put_u(o, h); o.push_back('h'); }
    if (h > 0 || m > 0) { put_u(o, m); o.push_back('m'); }
    put_u(o, s);
    o += f;
    o.push_back('s');
}
std::string go_duration(i64 d) { std::string s; put_go_duration(s, d); return s; }

// Seconds with 9 decimals, trailing zeros trimmed (klog's %v of a float64 seconds value, approx.).
void put_secs_float(std::string& o, i64 ns) {
    put_u(o, static_cast<u64>(ns / kSec));
    u64 fr = static_cast<u64>(ns % kSec);
    if (fr == 0) return;
    char d[9];
    for (int i = 8; i >= 0; --i) { d[i] = static_cast<char>('0' + fr % 10); fr /= 10; }
    int n = 9;
    while (n > 0 && d[n - 1] == '0') --n;
    o.push_back('.');
    o.append(d, static_cast<std::size_t>(n));
}

// ---------------------------------------------------------------------------------------
// Calendar (UTC, proleptic Gregorian; Howard Hinnant's algorithms).
// ---------------------------------------------------------------------------------------
i64 days_from_civil(i64 y, unsigned m, unsigned d) {
    y -= m <= 2;
    const i64 era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<i64>(doe) - 719468;
}
void civil_from_days(i64 z, i64& y, unsigned& m, unsigned& d) {
    z += 719468;
    const i64 era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = static_cast<i64>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
}
constexpr std::array<const char*, 12> kMon = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<const char*, 7> kWday = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};  // 1970-01-01 = Thu

// Per-second formatted pieces, cached (most consecutive lines share a second).
struct TimeCache {
    i64 sec = INT64_MIN;
    std::string jour;  // "Mar 17 08:00:01"           journalctl short prefix (zero-padded day)
    std::string klog;  // "0317 08:00:01"             klog header after the severity letter
    std::string iso;   // "2026-03-17T08:00:01"       containerd time= (UTC, 'Z' appended by caller)
    std::string http;  // "Tue, 17 Mar 2026 08:00:01 GMT"
    std::string human; // "2026-03-17 08:00:01"       Go time.Time.String() date part
    void set(i64 s) {
        if (s == sec) return;
        sec = s;
        i64 days = s >= 0 ? s / 86400 : (s - 86399) / 86400;
        i64 sod = s - days * 86400;
        i64 y; unsigned m, d;
        civil_from_days(days, y, m, d);
        unsigned hh = static_cast<unsigned>(sod / 3600), mm = static_cast<unsigned>(sod / 60 % 60), ss = static_cast<unsigned>(sod % 60);
        std::string hms;
        put_2(hms, hh); hms += ':'; put_2(hms, mm); hms += ':'; put_2(hms, ss);
        jour.assign(kMon[m - 1]); jour += ' '; put_2(jour, d); jour += ' '; jour += hms;
        klog.clear(); put_2(klog, m); put_2(klog, d); klog += ' '; klog += hms;
        iso.clear(); put_pad(iso, static_cast<u64>(y), 4, '0'); iso += '-'; put_2(iso, m); iso += '-'; put_2(iso, d); iso += 'T'; iso += hms;
        human = iso; human[10] = ' ';
        http.assign(kWday[static_cast<std::size_t>(((days % 7) + 7) % 7)]); http += ", "; put_2(http, d); http += ' ';
        http += kMon[m - 1]; http += ' '; put_pad(http, static_cast<u64>(y), 4, '0'); http += ' '; http += hms; http += " GMT";
    }
};

// ---------------------------------------------------------------------------------------
// Model: nodes, pods, images.
// ---------------------------------------------------------------------------------------
enum class Ctrd { V16, V17, V20 };
enum class Kube { V127, V129, V131 };

struct Pod {
    std::string ns, name, uid, container, cid, sandbox, vol;  // vol: kube-api-access-xxxxx suffix
    std::string ip;
};

struct Node {
    std::string name;
    unsigned kubelet_pid = 0, ctrd_pid = 0, chrony_pid = 0, logind_pid = 0, networkd_pid = 0, journald_pid = 0, resolved_pid = 0;
    Ctrd ctrd = Ctrd::V17;
    Kube kube = Kube::V129;
    bool debug = true;    // containerd [debug] level = "debug"
    bool mirror = false;  // hosts.toml mirror for docker.io
    i64 kubelet_start = 0;
    std::string machine_id;
    unsigned next_session = 1;
    unsigned next_pid = 20000;
    std::vector<Pod> pods;
};

const char* ctrd_version(Ctrd v) { return v == Ctrd::V16 ? "1.6.20" : v == Ctrd::V17 ? "1.7.27" : "2.0.5"; }
const char* kube_version(Kube v) { return v == Kube::V127 ? "1.27.12" : v == Kube::V129 ? "1.29.6" : "1.31.4"; }

struct Deploy { const char* ns; const char* base; const char* container; int kind; };  // kind 0 deploy, 1 daemonset, 2 statefulset
constexpr std::array<Deploy, 14> kDeploys = {{
    {"default", "web", "web", 0},
    {"payments", "payments-api", "api", 0},
    {"checkout", "checkout-web", "web", 0},
    {"search", "search-indexer", "indexer", 0},
    {"monitoring", "prometheus-node-exporter", "node-exporter", 1},
    {"kube-system", "coredns", "coredns", 0},
    {"kube-system", "kube-proxy", "kube-proxy", 1},
    {"ingress-nginx", "ingress-nginx-controller", "controller", 0},
    {"logging", "fluent-bit", "fluent-bit", 1},
    {"cert-manager", "cert-manager", "cert-manager-controller", 0},
    {"batch", "report-generator", "worker", 0},
    {"default", "redis", "redis", 2},
    {"data", "postgres", "postgres", 2},
    {"monitoring", "grafana", "grafana", 0},
}};

Pod make_pod(Rng& r) {
    const Deploy& d = r.pick(kDeploys);
    Pod p;
    p.ns = d.ns;
    p.container = d.container;
    // Never two PRNG draws in one expression: C++ leaves their order unspecified (GCC and Clang differ).
    if (d.kind == 0) { std::string rs = kube_rand(r, 10); p.name = std::string(d.base) + "-" + rs + "-" + kube_rand(r, 5); }
    else if (d.kind == 1) p.name = std::string(d.base) + "-" + kube_rand(r, 5);
    else { p.name = std::string(d.base) + "-"; put_u(p.name, r.below(3)); }
    p.uid = uuid(r);
    p.cid = hex(r, 64);
    p.sandbox = hex(r, 64);
    p.vol = kube_rand(r, 5);
    p.ip = "10.244.";
    put_u(p.ip, 1 + r.below(6)); p.ip += '.'; put_u(p.ip, 2 + r.below(250));
    return p;
}

struct Img {
    std::string spec;        // as written in the pod spec
    std::string request;     // CRI request (kubelet applied the default tag)
    std::string normalized;  // containerd's normalized reference
    std::string registry;    // docker.io, quay.io, harbor.internal:8443 ...
    std::string api_host;    // registry-1.docker.io for docker.io
    std::string repo;        // library/nginx
    std::string tag;
    std::string name_norm;   // normalized without tag: docker.io/library/nginx
    std::string cfg, idx, mfst;  // 64-hex digests: config (image id), index (repo digest), manifest
    u64 size = 0;
    int layers = 1;
};

Img make_img(sv spec, u64 seed) {
    Img im;
    im.spec = std::string(spec);
    std::string s(spec);
    std::string first, rest;
    auto slash = s.find('/');
    if (slash != std::string::npos) {
        first = s.substr(0, slash);
        rest = s.substr(slash + 1);
    }
    if (slash != std::string::npos && (first.find('.') != std::string::npos || first.find(':') != std::string::npos || first == "localhost")) {
        im.registry = first;
    } else {
        im.registry = "docker.io";
        rest = (slash == std::string::npos) ? "library/" + s : s;
    }
    auto colon = rest.rfind(':');
    if (colon == std::string::npos) { im.repo = rest; im.tag = "latest"; im.request = s + ":latest"; }
    else { im.repo = rest.substr(0, colon); im.tag = rest.substr(colon + 1); im.request = s; }
    im.api_host = im.registry == "docker.io" ? "registry-1.docker.io" : im.registry;
    im.name_norm = im.registry + "/" + im.repo;
    im.normalized = im.name_norm + ":" + im.tag;
    Rng r(fnv1a(spec) ^ seed);
    im.cfg = hex(r, 64);
    im.idx = hex(r, 64);
    im.mfst = hex(r, 64);
    im.size = 2'000'000 + r.below(380'000'000);
    im.layers = 1 + static_cast<int>(r.below(6));
    return im;
}

// Failure classes: ids from ../shared/taxonomy.md.
enum Cls : std::uint8_t {
    C_SUCCESS, C_RATE, C_NOTFOUND, C_NF_OR_UNAUTH, C_AUTH, C_TLS_CA, C_DNS, C_REFUSED, C_TIMEOUT, C_DENIED, C_5XX, C_COUNT
};
constexpr std::array<const char*, C_COUNT> kClsName = {
    "success", "rate_limited", "not_found", "not_found_or_unauthorized", "auth_required", "tls_unknown_authority",
    "dns_failure", "connection_refused", "network_timeout", "access_denied", "registry_server_error"};
constexpr std::array<unsigned, C_COUNT> kClsWeight = {0, 25, 18, 10, 10, 8, 8, 7, 7, 4, 3};

const std::vector<std::vector<const char*>> kImgSpecs = {
    /* success */ {"nginx:1.25.4", "redis:7.2.4", "postgres:16.2", "busybox", "alpine:3.19", "python:3.12-slim", "nginx",
                   "bitnami/kubectl:1.29", "grafana/grafana:10.4.1", "registry.k8s.io/kube-proxy:v1.29.2",
                   "registry.k8s.io/coredns/coredns:v1.11.1", "registry.k8s.io/metrics-server/metrics-server:v0.7.0",
                   "registry.k8s.io/ingress-nginx/controller:v1.10.0", "quay.io/prometheus/node-exporter:v1.7.0",
                   "quay.io/jetstack/cert-manager-controller:v1.14.4", "quay.io/prometheus/prometheus:v2.51.0",
                   "ghcr.io/fluxcd/source-controller:v1.2.4", "registry.corp.example.com/payments/api:2.14.1",
                   "registry.corp.example.com/checkout/web:3.8.0", "cr.fluentbit.io/fluent/fluent-bit:3.0.2"},
    /* rate */ {"nginx:1.25.4", "redis:7.2.4", "bitnami/postgresql:16.2.0", "node:20-alpine", "busybox:1.36",
                "grafana/loki:2.9.6", "nginx", "curlimages/curl:8.7.1"},
    /* notfound */ {"nginx:1.25.99", "registry.k8s.io/kube-proxy:v1.29.20", "quay.io/prometheus/node-exporter:v1.70.0",
                    "registry.corp.example.com/payments/api:2.15.0-rc1", "ghcr.io/acme/worker:sha-deadbee", "redis:7.2.40"},
    /* nf_or_unauth */ {"acme/internal-tool:1.0", "mycompany/billing-worker:2.3.1", "ngnix", "bitnami/postgress:16"},
    /* auth */ {"registry.corp.example.com/secure/ledger:4.1.0", "mycompany/private-api:3.2",
                "registry.corp.example.com/secure/vault-agent:1.16.1"},
    /* tls */ {"harbor.internal:8443/platform/worker:1.8.0", "harbor.internal:8443/platform/scheduler:1.8.0"},
    /* dns */ {"registry.corp.exmaple.com/payments/api:2.14.1", "artifactory.build.local/tools/runner:5.0"},
    /* refused */ {"10.20.30.40:5000/team/app:1.0", "registry.dev.internal:5000/sandbox/demo"},
    /* timeout */ {"registry.partner.example.net/edge/agent:0.9.3"},
    /* denied */ {"registry.corp.example.com/restricted/hr-portal:1.2.0"},
    /* 5xx */ {"registry.corp.example.com/checkout/web:3.9.0"},
};

std::string host_ip(sv host) {  // a stable made-up address for dial errors
    if (host == "registry.partner.example.net") return "203.0.113.50";
    if (host == "registry.dev.internal:5000") return "10.20.30.41";
    if (host == "mirror.internal:5000") return "10.0.0.9";
    u64 h = fnv1a(host);
    std::string s = "10.";
    put_u(s, 16 + (h & 63)); s += '.'; put_u(s, (h >> 8) & 255); s += '.'; put_u(s, 2 + ((h >> 16) % 250));
    return s;
}
std::string dial_addr(sv host) {  // host[:port] -> ip:port
    std::string h(host);
    std::string port = "443";
    auto c = h.rfind(':');
    if (c != std::string::npos) { port = h.substr(c + 1); h = h.substr(0, c); }
    bool is_ip = !h.empty() && std::all_of(h.begin(), h.end(), [](char ch) { return (ch >= '0' && ch <= '9') || ch == '.'; });
    return (is_ip ? h : host_ip(host)) + ":" + port;
}
std::string host_only(sv host) { auto c = host.rfind(':'); return std::string(c == sv::npos ? host : host.substr(0, c)); }

// ---------------------------------------------------------------------------------------
// Truth accounting and scheduled (pre-rendered) pull lines.
// ---------------------------------------------------------------------------------------
enum Tag : std::uint8_t {
    T_CHAT, T_CTRD, T_START, T_OK, T_FAIL, T_K_REMOTE, T_K_STARTFAIL, T_K_ERRIMAGEPULL, T_K_BACKOFF, T_K_LATENCY, T_COUNT
};
enum Flag : std::uint8_t { F_FIRST_FAIL = 1, F_RECOVERED = 2 };

struct Pending {
    i64 t;
    std::uint8_t tag, cls, flags;
    std::uint16_t node;
    std::string line;
};

struct Truth {
    u64 lines = 0, bytes = 0;
    std::array<u64, T_COUNT> by_tag{};
    std::array<u64, C_COUNT> failed_by_cls{};
    std::array<u64, C_COUNT> recovered_by_cls{};
    u64 pods_failing = 0, pods_recovered = 0;
    std::vector<std::array<u64, 3>> per_node;  // attempts, ok, failed
    i64 t_first = 0, t_last = 0;
};

// ---------------------------------------------------------------------------------------
// The generator.
// ---------------------------------------------------------------------------------------
struct Gen {
    Rng rng;
    std::vector<Node> nodes;
    std::vector<std::vector<Img>> imgs;  // by class
    TimeCache tc_emit, tc_sched;
    std::string line;                    // scratch for chatter
    Truth truth;
    i64 t_start = 0;
    // The incident profile (--profile incident): a node in an incident writes
    // many short pulls, start, failure and kubelet's one line, so the cost per
    // attempt shows rather than the cost per line.
    bool short_pulls = false;

    // story scheduling
    struct HeapEnt { i64 t; u64 seq; std::uint32_t slot; };
    struct HeapCmp { bool operator()(const HeapEnt& a, const HeapEnt& b) const { return a.t != b.t ? a.t > b.t : a.seq > b.seq; } };
    std::priority_queue<HeapEnt, std::vector<HeapEnt>, HeapCmp> heap;
    std::vector<Pending> slots;
    std::vector<std::uint32_t> free_slots;
    u64 seq = 0;

    explicit Gen(u64 seed) : rng(seed) {}

    void schedule(Pending&& p) {
        std::uint32_t slot;
        if (!free_slots.empty()) { slot = free_slots.back(); free_slots.pop_back(); slots[slot] = std::move(p); }
        else { slot = static_cast<std::uint32_t>(slots.size()); slots.push_back(std::move(p)); }
        heap.push(HeapEnt{slots[slot].t, seq++, slot});
    }

    // ---- line prefixes -------------------------------------------------------------
    static void jprefix(std::string& o, TimeCache& tc, const Node& n, sv ident, unsigned pid) {
        put(o, tc.jour); putc_(o, ' '); put(o, n.name); putc_(o, ' '); put(o, ident);
        if (pid) { putc_(o, '['); put_u(o, pid); putc_(o, ']'); }
        put(o, ": ");
    }
    // containerd logrus line: fields are sorted by key as logrus does.
    static void ctrd(std::string& o, TimeCache& tc, const Node& n, i64 t, sv level, sv msg,
                     std::initializer_list<std::pair<sv, sv>> fields = {}) {
        tc.set(t / kSec);
        jprefix(o, tc, n, "containerd", n.ctrd_pid);
        put(o, "time=\""); put(o, tc.iso); putc_(o, '.'); put_pad(o, static_cast<u64>(t % kSec), 9, '0'); put(o, "Z\" level=");
        put(o, level);
        put(o, " msg="); put_lv(o, msg);
        std::array<std::pair<sv, sv>, 24> f{};
        std::size_t nf = 0;
        for (auto& kv : fields) if (nf < f.size()) f[nf++] = kv;
        std::sort(f.begin(), f.begin() + static_cast<std::ptrdiff_t>(nf), [](auto& a, auto& b) { return a.first < b.first; });
        for (std::size_t i = 0; i < nf; ++i) { putc_(o, ' '); put(o, f[i].first); putc_(o, '='); put_lv(o, f[i].second); }
        putc_(o, '\n');
    }
    // klog header: Lmmdd hh:mm:ss.uuuuuu PPPPPPP file:line]
    static void klog(std::string& o, TimeCache& tc, const Node& n, i64 t, char sev, sv fileline) {
        tc.set(t / kSec);
        jprefix(o, tc, n, "kubelet", n.kubelet_pid);
        putc_(o, sev); put(o, tc.klog); putc_(o, '.'); put_pad(o, static_cast<u64>((t % kSec) / kUs), 6, '0');
        putc_(o, ' '); put_pad(o, n.kubelet_pid, 7, ' '); putc_(o, ' '); put(o, fileline); put(o, "] ");
    }
    static void put_uid(std::string& o, const Node& n, sv uid) {  // bare <=1.27, quoted 1.28+ (formats.md §2.1)
        if (n.kube == Kube::V127) put(o, uid); else put_q(o, uid);
    }

    // ---- setup ---------------------------------------------------------------------
    void setup(int n_nodes, i64 start, u64 first_node = 1) {
        t_start = start;
        imgs.resize(C_COUNT);
        u64 iseed = rng.next();
        for (std::size_t c = 0; c < kImgSpecs.size(); ++c)
            for (const char* s : kImgSpecs[c]) imgs[c].push_back(make_img(s, iseed));
        for (int i = 0; i < n_nodes; ++i) {
            Node n;
            n.name = "node-"; put_u(n.name, static_cast<u64>(i) + first_node);
            switch (i % 3) {  // a cluster mid-upgrade: three runtime/kubelet combinations
                case 0: n.ctrd = Ctrd::V17; n.kube = Kube::V129; n.debug = true; n.mirror = true; break;
                case 1: n.ctrd = Ctrd::V16; n.kube = Kube::V127; n.debug = false; n.mirror = false; break;
                default: n.ctrd = Ctrd::V20; n.kube = Kube::V131; n.debug = true; n.mirror = false; break;
            }
            n.ctrd_pid = 600 + static_cast<unsigned>(rng.below(300));
            n.kubelet_pid = 1000 + static_cast<unsigned>(rng.below(2000));
            n.chrony_pid = 500 + static_cast<unsigned>(rng.below(100));
            n.logind_pid = 400 + static_cast<unsigned>(rng.below(100));
            n.networkd_pid = 300 + static_cast<unsigned>(rng.below(100));
            n.resolved_pid = 300 + static_cast<unsigned>(rng.below(100));
            n.journald_pid = 200 + static_cast<unsigned>(rng.below(100));
            n.kubelet_start = start - rng.range(3600 * kSec, 20 * 86400 * kSec);
            n.machine_id = hex(rng, 32);
            n.next_pid = 20000 + static_cast<unsigned>(rng.below(10000));
            for (int k = 0; k < 40; ++k) n.pods.push_back(make_pod(rng));
            nodes.push_back(std::move(n));
        }
        truth.per_node.assign(nodes.size(), {0, 0, 0});
    }

    unsigned new_pid(Node& n) { n.next_pid += 1 + static_cast<unsigned>(rng.below(40)); if (n.next_pid > 4000000) n.next_pid = 20000; return n.next_pid; }

    // ---- chatter ---------------------------------------------------------------------
    enum Chat {
        K_PLEG, K_PROBE_SYNC, K_PROBE_FAILED, K_VOL_VERIFY, K_VOL_MOUNT, K_VOL_UNMOUNT, K_VOL_TEARDOWN, K_VOL_DETACHED,
        K_SYNCLOOP, K_REMOVE_CONTAINER, K_STARTUP, K_CADVISOR_WATCH, K_CADVISOR_PARTIAL, K_CSTATUS_NOTFOUND, K_KILLING,
        K_TOPOLOGY, K_ORPHAN, K_IMAGE_GC, K_TLS_HANDSHAKE, K_DELETOR, K_STATUS_PATCH,
        C_START_OK, C_START, C_CREATE, C_CREATE_RET, C_RUNPOD, C_RUNPOD_RET, C_STOP_SB, C_TEARDOWN, C_STOP_SB_OK,
        C_STOP_CT, C_STOP_SIG, C_REMOVE_CT, C_REMOVE_CT_OK, C_SHIM_PLUGIN, C_SHIM_SIGNAL, C_SHIM_DISC, C_SHIM_CLEAN,
        C_EXIT, C_CSTATUS_ERR, C_TO_STOP, C_IMAGEFS, C_IMAGEFS_RET, C_EXEC, C_EXEC_RET, C_EVENT_PUB, C_GC, C_SNAP_GC,
        C_IMAGE_DELETE,
        S_SCOPE_START, S_SCOPE_DEACT, S_SCOPE_CPU, S_MOUNT_DEACT, S_SLICE_NEW, S_SLICE_RM, S_KERNEL_VETH, S_NETWORKD,
        S_SSHD, S_LOGIND, S_CHRONY, S_CRON, S_JOURNALD, S_RESOLVED, S_LOGROTATE,
        CHAT_COUNT
    };
    static constexpr std::array<unsigned, CHAT_COUNT> kChatW = {
        /*K_PLEG*/ 60, 50, 35, 25, 35, 15, 15, 15, /*K_SYNCLOOP*/ 35, 25, 15, 30, 8, 8, 15, 15, 8, 4, 6, 8, 8,
        /*C_START_OK*/ 25, 25, 20, 20, 8, 8, 8, 8, 8, 8, 8, 8, 8, /*C_SHIM_PLUGIN*/ 20, 8, 8, 8,
        /*C_EXIT*/ 15, 8, 8, 35, 35, 30, 30, 60, 10, 10, 4,
        /*S_SCOPE_START*/ 12, 12, 10, 25, 6, 6, 20, 12, 5, 3, 4, 10, 1, 2, 2};
    static constexpr bool needs_debug(int c) {
        return c == C_IMAGEFS || c == C_IMAGEFS_RET || c == C_EXEC || c == C_EXEC_RET || c == C_EVENT_PUB || c == C_GC || c == C_SNAP_GC;
    }
    std::array<unsigned, CHAT_COUNT + 1> chat_cum{};
    void init_chat() {
        chat_cum[0] = 0;
        for (int i = 0; i < CHAT_COUNT; ++i) chat_cum[static_cast<std::size_t>(i) + 1] = chat_cum[static_cast<std::size_t>(i)] + kChatW[static_cast<std::size_t>(i)];
    }
    int pick_chat() {
        u64 x = rng.below(chat_cum[CHAT_COUNT]);
        auto it = std::upper_bound(chat_cum.begin(), chat_cum.end(), static_cast<unsigned>(x));
        return static_cast<int>(it - chat_cum.begin()) - 1;
    }

    static const char* kl_line(const Node& n, int which) {
        // file:line per kubelet version; values are plausible, parsers must not key on them.
        static const char* tbl[][3] = {
            {"kubelet.go:2406", "kubelet.go:2430", "kubelet.go:2459"},                      // 0 PLEG
            {"kubelet.go:2444", "kubelet.go:2468", "kubelet.go:2497"},                      // 1 probe sync
            {"prober.go:107", "prober.go:107", "prober.go:107"},                            // 2 probe failed
            {"reconciler_common.go:258", "reconciler_common.go:258", "reconciler_common.go:258"},  // 3
            {"operation_generator.go:721", "operation_generator.go:721", "operation_generator.go:721"},  // 4
            {"reconciler_common.go:172", "reconciler_common.go:172", "reconciler_common.go:172"},  // 5
            {"operation_generator.go:803", "operation_generator.go:803", "operation_generator.go:803"},  // 6
            {"reconciler_common.go:300", "reconciler_common.go:300", "reconciler_common.go:300"},  // 7
            {"kubelet.go:2337", "kubelet.go:2361", "kubelet.go:2390"},                      // 8 SyncLoop ADD etc
            {"scope.go:115", "scope.go:117", "scope.go:117"},                               // 9 RemoveContainer
            {"pod_startup_latency_tracker.go:102", "pod_startup_latency_tracker.go:102", "pod_startup_latency_tracker.go:104"},  // 10
            {"manager.go:1169", "manager.go:1169", "manager.go:1169"},                      // 11 cadvisor watch
            {"cadvisor_stats_provider.go:448", "cadvisor_stats_provider.go:448", "cadvisor_stats_provider.go:431"},  // 12
            {"remote_runtime.go:432", "remote_runtime.go:432", "log.go:32"},                // 13
            {"kuberuntime_container.go:770", "kuberuntime_container.go:779", "kuberuntime_container.go:809"},  // 14
            {"topology_manager.go:215", "topology_manager.go:215", "topology_manager.go:215"},  // 15
            {"kubelet_volumes.go:161", "kubelet_volumes.go:163", "kubelet_volumes.go:163"},  // 16
            {"image_gc_manager.go:391", "image_gc_manager.go:391", "image_gc_manager.go:400"},  // 17
            {"log.go:194", "log.go:245", "log.go:245"},                                     // 18
            {"pod_container_deletor.go:80", "pod_container_deletor.go:80", "pod_container_deletor.go:80"},  // 19
            {"status_manager.go:874", "status_manager.go:877", "status_manager.go:890"},    // 20
            {"remote_image.go:171", "remote_image.go:180", "remote_image.go:180"},          // 21
            {"kuberuntime_manager.go:1256", "kuberuntime_manager.go:1268", "kuberuntime_manager.go:1274"},  // 22
            {"pod_workers.go:1294", "pod_workers.go:1298", "pod_workers.go:1301"},          // 23
            {"image_gc_manager.go:447", "image_gc_manager.go:447", "image_gc_manager.go:456"},  // 24
        };
        return tbl[which][n.kube == Kube::V127 ? 0 : n.kube == Kube::V129 ? 1 : 2];
    }

    static void put_pod(std::string& o, const Pod& p) { putc_(o, '"'); put(o, p.ns); putc_(o, '/'); put(o, p.name); putc_(o, '"'); }
    static void put_uid_underscored(std::string& o, sv uid) { for (char c : uid) o.push_back(c == '-' ? '_' : c); }
    static void put_uid_unit(std::string& o, sv uid) { for (char c : uid) { if (c == '-') o += "\\x2d"; else o.push_back(c); } }

    void chatter(i64 t, std::string& o) {
        Node& n = nodes[rng.below(nodes.size())];
        int c = pick_chat();
        while (needs_debug(c) && !n.debug) c = pick_chat();
        Pod& p = n.pods[rng.below(n.pods.size())];
        if (rng.below(4000) == 0) p = make_pod(rng);  // slow pod churn
        TimeCache& tc = tc_emit;
        std::string tmp, tmp2;
        switch (c) {
            case K_PLEG: {
                static constexpr std::array<const char*, 3> kEv = {"ContainerStarted", "ContainerDied", "ContainerStarted"};
                klog(o, tc, n, t, 'I', kl_line(n, 0));
                put(o, "\"SyncLoop (PLEG): event for pod\" pod="); put_pod(o, p);
                const char* ev = rng.pick(kEv);
                if (n.kube == Kube::V127) { put(o, " event=&{ID:"); put(o, p.uid); put(o, " Type:"); put(o, ev); put(o, " Data:"); put(o, rng.pct(50) ? p.cid : p.sandbox); put(o, "}\n"); }
                else { put(o, " event={\"ID\":\""); put(o, p.uid); put(o, "\",\"Type\":\""); put(o, ev); put(o, "\",\"Data\":\""); put(o, rng.pct(50) ? p.cid : p.sandbox); put(o, "\"}\n"); }
                break;
            }
            case K_PROBE_SYNC: {
                static constexpr std::array<const char*, 3> kProbe = {"readiness", "liveness", "startup"};
                static constexpr std::array<const char*, 3> kStatus = {"ready", "", "unhealthy"};
                klog(o, tc, n, t, 'I', kl_line(n, 1));
                put(o, "\"SyncLoop (probe)\" probe=\""); put(o, rng.pick(kProbe)); put(o, "\" status=\""); put(o, rng.pick(kStatus));
                put(o, "\" pod="); put_pod(o, p); putc_(o, '\n');
                break;
            }
            case K_PROBE_FAILED: {
                klog(o, tc, n, t, 'I', kl_line(n, 2));
                put(o, "\"Probe failed\" probeType=\""); put(o, rng.pct(60) ? "Readiness" : "Liveness"); put(o, "\" pod="); put_pod(o, p);
                put(o, " podUID="); put_uid(o, n, p.uid); put(o, " containerName=\""); put(o, p.container); put(o, "\" probeResult=\"failure\" output=");
                switch (rng.below(3)) {
                    case 0: tmp = "Get \"http://" + p.ip + ":8080/healthz\": dial tcp " + p.ip + ":8080: connect: connection refused"; break;
                    case 1: tmp = "HTTP probe failed with statuscode: 503"; break;
                    default: tmp = "Get \"http://" + p.ip + ":8080/ready\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"; break;
                }
                put_q(o, tmp); putc_(o, '\n');
                break;
            }
            case K_VOL_VERIFY: case K_VOL_MOUNT: case K_VOL_UNMOUNT: case K_VOL_TEARDOWN: case K_VOL_DETACHED: {
                bool cfg = rng.pct(30);
                std::string vol = cfg ? std::string("config") : "kube-api-access-" + p.vol;
                std::string uniq = cfg ? "kubernetes.io/configmap/" + p.uid + "-config" : "kubernetes.io/projected/" + p.uid + "-kube-api-access-" + p.vol;
                if (c == K_VOL_VERIFY) {
                    klog(o, tc, n, t, 'I', kl_line(n, 3));
                    tmp = "operationExecutor.VerifyControllerAttachedVolume started for volume \"" + vol + "\" (UniqueName: \"" + uniq + "\") pod \"" + p.name + "\" (UID: \"" + p.uid + "\") ";
                    put_q(o, tmp); put(o, " pod="); put_pod(o, p); putc_(o, '\n');
                } else if (c == K_VOL_MOUNT) {
                    klog(o, tc, n, t, 'I', kl_line(n, 4));
                    tmp = "MountVolume.SetUp succeeded for volume \"" + vol + "\" (UniqueName: \"" + uniq + "\") pod \"" + p.name + "\" (UID: \"" + p.uid + "\") ";
                    put_q(o, tmp); put(o, " pod="); put_pod(o, p); putc_(o, '\n');
                } else if (c == K_VOL_UNMOUNT) {
                    klog(o, tc, n, t, 'I', kl_line(n, 5));
                    tmp = "operationExecutor.UnmountVolume started for volume \"" + vol + "\" (UniqueName: \"" + uniq + "\") pod \"" + p.uid + "\" (UID: \"" + p.uid + "\") ";
                    put_q(o, tmp); putc_(o, '\n');
                } else if (c == K_VOL_TEARDOWN) {
                    klog(o, tc, n, t, 'I', kl_line(n, 6));
                    tmp = "UnmountVolume.TearDown succeeded for volume \"" + uniq + "\" (OuterVolumeSpecName: \"" + vol + "\") pod \"" + p.uid + "\" (UID: \"" + p.uid + "\"). InnerVolumeSpecName \"" + vol + "\". PluginName \"" + (cfg ? "kubernetes.io/configmap" : "kubernetes.io/projected") + "\", VolumeGidValue \"\"";
                    put_q(o, tmp); putc_(o, '\n');
                } else {
                    klog(o, tc, n, t, 'I', kl_line(n, 7));
                    tmp = "Volume detached for volume \"" + vol + "\" (UniqueName: \"" + uniq + "\") on node \"" + n.name + "\" DevicePath \"\"";
                    put_q(o, tmp); putc_(o, '\n');
                }
                break;
            }
            case K_SYNCLOOP: {
                static constexpr std::array<const char*, 5> kOp = {"UPDATE", "UPDATE", "ADD", "DELETE", "REMOVE"};
                klog(o, tc, n, t, 'I', kl_line(n, 8));
                put(o, "\"SyncLoop "); put(o, rng.pick(kOp)); put(o, "\" source=\"api\" pods=[\""); put(o, p.ns); putc_(o, '/'); put(o, p.name); put(o, "\"]\n");
                break;
            }
            case K_REMOVE_CONTAINER:
                klog(o, tc, n, t, 'I', kl_line(n, 9));
                put(o, "\"RemoveContainer\" containerID=\""); put_hex(o, rng, 64); put(o, "\"\n");
                break;
            case K_STARTUP: {
                klog(o, tc, n, t, 'I', kl_line(n, 10));
                i64 e2e = rng.range(800 * kMs, 9 * kSec);
                i64 created = t - e2e;
                put(o, "\"Observed pod startup duration\" pod="); put_pod(o, p);
                put(o, " podStartSLOduration="); put_secs_float(o, e2e);
                put(o, " podStartE2EDuration=\""); put_go_duration(o, e2e);
                tc_sched.set(created / kSec);
                put(o, "\" podCreationTimestamp=\""); put(o, tc_sched.human);
                put(o, " +0000 UTC\" firstStartedPulling=\"0001-01-01 00:00:00 +0000 UTC\" lastFinishedPulling=\"0001-01-01 00:00:00 +0000 UTC\" observedRunningTime=\"");
                put_go_time(o, n, t - rng.range(50 * kUs, 900 * kUs));
                put(o, "\" watchObservedRunningTime=\""); put_go_time(o, n, t - rng.range(1 * kUs, 40 * kUs)); put(o, "\"\n");
                break;
            }
            case K_CADVISOR_WATCH:
                klog(o, tc, n, t, 'W', kl_line(n, 11));
                tmp = hex(rng, 64);
                put(o, "Failed to process watch event {EventType:0 Name:/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod");
                put_uid_underscored(o, p.uid); put(o, ".slice/cri-containerd-"); put(o, tmp); put(o, ".scope WatchSource:0}: task "); put(o, tmp); put(o, " not found: not found\n");
                break;
            case K_CADVISOR_PARTIAL:
                klog(o, tc, n, t, 'E', kl_line(n, 12));
                tmp = "partial failures: [\"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod";
                put_uid_underscored(tmp, p.uid); tmp += ".slice/cri-containerd-"; put_hex(tmp, rng, 64); tmp += ".scope\": RecentStats: unable to find data in memory cache]";
                put(o, "\"Partial failure issuing cadvisor.ContainerInfoV2\" err="); put_q(o, tmp); putc_(o, '\n');
                break;
            case K_CSTATUS_NOTFOUND:
                klog(o, tc, n, t, 'E', kl_line(n, 13));
                tmp2 = hex(rng, 64);
                tmp = "rpc error: code = NotFound desc = an error occurred when try to find container \"" + tmp2 + "\": not found";
                put(o, "\"ContainerStatus from runtime service failed\" err="); put_q(o, tmp); put(o, " containerID="); put_q(o, tmp2); putc_(o, '\n');
                break;
            case K_KILLING:
                klog(o, tc, n, t, 'I', kl_line(n, 14));
                put(o, "\"Killing container with a grace period\" pod="); put_pod(o, p); put(o, " podUID="); put_uid(o, n, p.uid);
                put(o, " containerName=\""); put(o, p.container); put(o, "\" containerID=\"containerd://"); put(o, p.cid); put(o, "\" gracePeriod=30\n");
                break;
            case K_TOPOLOGY:
                klog(o, tc, n, t, 'I', kl_line(n, 15));
                put(o, "\"Topology Admit Handler\" podUID="); put_uid(o, n, p.uid); put(o, " podNamespace=\""); put(o, p.ns); put(o, "\" podName=\""); put(o, p.name); put(o, "\"\n");
                break;
            case K_ORPHAN:
                klog(o, tc, n, t, 'I', kl_line(n, 16));
                tmp = uuid(rng);
                put(o, "\"Cleaned up orphaned pod volumes dir\" podUID="); put_uid(o, n, tmp); put(o, " path=\"/var/lib/kubelet/pods/"); put(o, tmp); put(o, "/volumes\"\n");
                break;
            case K_IMAGE_GC:
                if (rng.pct(50)) {
                    klog(o, tc, n, t, 'I', kl_line(n, 17));
                    put(o, "\"Disk usage on image filesystem is over the high threshold, trying to free bytes down to the low threshold\" usage=86 highThreshold=85 amountToFree=");
                    put_u(o, 100'000'000 + rng.below(900'000'000)); put(o, " lowThreshold=80\n");
                } else {
                    klog(o, tc, n, t, 'I', kl_line(n, 24));
                    put(o, "\"Removing image to free bytes\" imageID=\"sha256:"); put_hex(o, rng, 64); put(o, "\" size="); put_u(o, 1'000'000 + rng.below(300'000'000));
                    if (n.kube == Kube::V131) put(o, " runtimeHandler=\"\"");
                    putc_(o, '\n');
                }
                break;
            case K_TLS_HANDSHAKE:
                klog(o, tc, n, t, 'I', kl_line(n, 18));
                put(o, "http: TLS handshake error from 10.0.0."); put_u(o, 2 + rng.below(200)); putc_(o, ':'); put_u(o, 30000 + rng.below(30000)); put(o, ": EOF\n");
                break;
            case K_DELETOR:
                klog(o, tc, n, t, 'I', kl_line(n, 19));
                put(o, "\"Container not found in pod's containers\" containerID=\""); put_hex(o, rng, 64); put(o, "\"\n");
                break;
            case K_STATUS_PATCH:
                klog(o, tc, n, t, 'I', kl_line(n, 20));
                put(o, "\"Failed to update status for pod\" pod="); put_pod(o, p);
                tmp = "failed to patch status \"{\\\"metadata\\\":{\\\"uid\\\":\\\"" + p.uid + "\\\"}}\" for pod \"" + p.ns + "\"/\"" + p.name + "\": pods \"" + p.name + "\" not found";
                put(o, " err="); put_q(o, tmp); putc_(o, '\n');
                break;

            // containerd ------------------------------------------------------------------
            case C_START_OK: tmp = "StartContainer for " + q(p.cid) + " returns successfully"; ctrd(o, tc, n, t, "info", tmp); break;
            case C_START: tmp = "StartContainer for " + q(p.cid); ctrd(o, tc, n, t, "info", tmp); break;
            case C_CREATE:
                tmp = "CreateContainer within sandbox " + q(p.sandbox) + " for container &ContainerMetadata{Name:" + p.container + ",Attempt:" + std::to_string(rng.below(3)) + ",}";
                ctrd(o, tc, n, t, "info", tmp); break;
            case C_CREATE_RET:
                tmp = "CreateContainer within sandbox " + q(p.sandbox) + " for &ContainerMetadata{Name:" + p.container + ",Attempt:" + std::to_string(rng.below(3)) + ",} returns container id " + q(p.cid);
                ctrd(o, tc, n, t, "info", tmp); break;
            case C_RUNPOD: case C_RUNPOD_RET:
                tmp = "RunPodSandbox for &PodSandboxMetadata{Name:" + p.name + ",Uid:" + p.uid + ",Namespace:" + p.ns + ",Attempt:0,}";
                if (c == C_RUNPOD_RET) tmp += " returns sandbox id " + q(p.sandbox);
                ctrd(o, tc, n, t, "info", tmp); break;
            case C_STOP_SB: tmp = "StopPodSandbox for " + q(p.sandbox); ctrd(o, tc, n, t, "info", tmp); break;
            case C_TEARDOWN: tmp = "TearDown network for sandbox " + q(p.sandbox) + " successfully"; ctrd(o, tc, n, t, "info", tmp); break;
            case C_STOP_SB_OK: tmp = "StopPodSandbox for " + q(p.sandbox) + " returns successfully"; ctrd(o, tc, n, t, "info", tmp); break;
            case C_STOP_CT: tmp = "StopContainer for " + q(p.cid) + " with timeout 30 (s)"; ctrd(o, tc, n, t, "info", tmp); break;
            case C_STOP_SIG: tmp = "Stop container " + q(p.cid) + " with signal terminated"; ctrd(o, tc, n, t, "info", tmp); break;
            case C_REMOVE_CT: tmp2 = hex(rng, 64); tmp = "RemoveContainer for " + q(tmp2); ctrd(o, tc, n, t, "info", tmp); break;
            case C_REMOVE_CT_OK: tmp2 = hex(rng, 64); tmp = "RemoveContainer for " + q(tmp2) + " returns successfully"; ctrd(o, tc, n, t, "info", tmp); break;
            case C_SHIM_PLUGIN:
                if (n.ctrd == Ctrd::V20) {
                    tmp = "connecting to shim " + p.sandbox;
                    tmp2 = "unix:///run/containerd/s/" + hex(rng, 64);
                    ctrd(o, tc, n, t, "info", tmp, {{"address", tmp2}, {"namespace", "k8s.io"}, {"protocol", "ttrpc"}, {"version", "3"}});
                } else {
                    static constexpr std::array<std::pair<const char*, const char*>, 4> kPl = {{
                        {"loading plugin \"io.containerd.event.v1.publisher\"...", "io.containerd.event.v1"},
                        {"loading plugin \"io.containerd.internal.v1.shutdown\"...", "io.containerd.internal.v1"},
                        {"loading plugin \"io.containerd.ttrpc.v1.task\"...", "io.containerd.ttrpc.v1"},
                        {"loading plugin \"io.containerd.ttrpc.v1.pause\"...", "io.containerd.ttrpc.v1"}}};
                    auto& pl = rng.pick(kPl);
                    ctrd(o, tc, n, t, "info", pl.first, {{"runtime", "io.containerd.runc.v2"}, {"type", pl.second}});
                }
                break;
            case C_SHIM_SIGNAL:
                tmp = "/run/containerd/io.containerd.runtime.v2.task/k8s.io/" + p.sandbox;
                tmp2 = std::to_string(new_pid(n));
                ctrd(o, tc, n, t, "info", "starting signal loop", {{"namespace", "k8s.io"}, {"path", tmp}, {"pid", tmp2}, {"runtime", "io.containerd.runc.v2"}});
                break;
            case C_SHIM_DISC: tmp = hex(rng, 64); ctrd(o, tc, n, t, "info", "shim disconnected", {{"id", tmp}, {"namespace", "k8s.io"}}); break;
            case C_SHIM_CLEAN:
                if (rng.pct(50)) { tmp = hex(rng, 64); ctrd(o, tc, n, t, "warning", "cleaning up after shim disconnected", {{"id", tmp}, {"namespace", "k8s.io"}}); }
                else ctrd(o, tc, n, t, "info", "cleaning up dead shim", {{"namespace", "k8s.io"}});
                break;
            case C_EXIT: {
                tmp2 = hex(rng, 64);
                i64 ex = t - rng.range(100 * kUs, 5 * kMs);
                std::string pid = std::to_string(new_pid(n));
                bool clean = rng.pct(70);
                if (n.ctrd == Ctrd::V16) {
                    tc_sched.set(ex / kSec);
                    tmp = "TaskExit event &TaskExit{ContainerID:" + tmp2 + ",ID:" + tmp2 + ",Pid:" + pid + ",ExitStatus:" + (clean ? "0" : "137") + ",ExitedAt:" + tc_sched.human + ".";
                    put_pad(tmp, static_cast<u64>(ex % kSec), 9, '0');
                    tmp += " +0000 UTC,XXX_unrecognized:[],}";
                } else {
                    tmp = "received exit event container_id:\"" + tmp2 + "\" id:\"" + tmp2 + "\" pid:" + pid + (clean ? "" : " exit_status:137") + " exited_at:{seconds:" + std::to_string(ex / kSec) + " nanos:" + std::to_string(ex % kSec) + "}";
                }
                ctrd(o, tc, n, t, "info", tmp);
                break;
            }
            case C_CSTATUS_ERR:
                tmp2 = hex(rng, 64);
                tmp = "ContainerStatus for " + q(tmp2) + " failed";
                {
                    std::string err = "rpc error: code = NotFound desc = an error occurred when try to find container " + q(tmp2) + ": not found";
                    ctrd(o, tc, n, t, "error", tmp, {{"error", err}});
                }
                break;
            case C_TO_STOP:
                tmp = "Container to stop " + q(p.cid) + " must be in running or unknown state, current state \"CONTAINER_EXITED\"";
                ctrd(o, tc, n, t, "info", tmp); break;
            case C_IMAGEFS: ctrd(o, tc, n, t, "debug", "ImageFsInfo"); break;
            case C_IMAGEFS_RET: {
                std::string used = std::to_string(8'000'000'000 + rng.below(4'000'000'000));
                std::string inodes = std::to_string(100000 + rng.below(50000));
                if (n.ctrd == Ctrd::V16) {
                    tmp = "ImageFsInfo returns filesystem info [&FilesystemUsage{Timestamp:" + std::to_string(t) + ",FsId:&FilesystemIdentifier{Mountpoint:/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs,},UsedBytes:&UInt64Value{Value:" + used + ",},InodesUsed:&UInt64Value{Value:" + inodes + ",},}]";
                } else {
                    tmp = "ImageFsInfo returns filesystem info [timestamp:" + std::to_string(t) + " fs_id:{mountpoint:\"/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs\"} used_bytes:{value:" + used + "} inodes_used:{value:" + inodes + "}]";
                }
                ctrd(o, tc, n, t, "debug", tmp); break;
            }
            case C_EXEC: {
                static constexpr std::array<const char*, 4> kCmd = {"[/bin/sh -c pg_isready -U postgres]", "[redis-cli ping]", "[/bin/grpc_health_probe -addr=:8081]", "[cat /tmp/healthy]"};
                const char* cmd = rng.pick(kCmd);
                tmp = "ExecSync for " + q(p.cid) + " with command " + cmd + " and timeout " + (rng.pct(50) ? "1" : "5") + " (s)";
                ctrd(o, tc, n, t, "debug", tmp); break;
            }
            case C_EXEC_RET: tmp = "ExecSync for " + q(p.cid) + " returns with exit code " + (rng.pct(95) ? "0" : "1"); ctrd(o, tc, n, t, "debug", tmp); break;
            case C_EVENT_PUB: {
                static constexpr std::array<std::pair<const char*, const char*>, 8> kEv = {{
                    {"/tasks/start", "containerd.events.TaskStart"}, {"/tasks/exit", "containerd.events.TaskExit"},
                    {"/tasks/delete", "containerd.events.TaskDelete"}, {"/containers/create", "containerd.events.ContainerCreate"},
                    {"/snapshot/prepare", "containerd.events.SnapshotPrepare"}, {"/snapshot/commit", "containerd.events.SnapshotCommit"},
                    {"/snapshot/remove", "containerd.events.SnapshotRemove"}, {"/containers/delete", "containerd.events.ContainerDelete"}}};
                auto& ev = rng.pick(kEv);
                ctrd(o, tc, n, t, "debug", "event published", {{"ns", "k8s.io"}, {"topic", ev.first}, {"type", ev.second}});
                break;
            }
            case C_GC: tmp = go_duration(rng.range(200 * kUs, 9 * kMs)); ctrd(o, tc, n, t, "debug", "garbage collected", {{"d", tmp}}); break;
            case C_SNAP_GC:
                if (rng.pct(50)) ctrd(o, tc, n, t, "debug", "schedule snapshotter cleanup", {{"snapshotter", "overlayfs"}});
                else { tmp = go_duration(rng.range(300 * kUs, 40 * kMs)); ctrd(o, tc, n, t, "debug", "snapshot garbage collected", {{"d", tmp}, {"snapshotter", "overlayfs"}}); }
                break;
            case C_IMAGE_DELETE:
                tmp2 = hex(rng, 64);
                if (n.ctrd == Ctrd::V16) tmp = "ImageDelete event &ImageDelete{Name:sha256:" + tmp2 + ",XXX_unrecognized:[],}";
                else tmp = "ImageDelete event name:\"sha256:" + tmp2 + "\"";
                ctrd(o, tc, n, t, "info", tmp); break;

            // system ----------------------------------------------------------------------
            case S_SCOPE_START:
                tc.set(t / kSec); jprefix(o, tc, n, "systemd", 1);
                put(o, "Started cri-containerd-"); put(o, p.cid); put(o, ".scope - libcontainer container "); put(o, p.cid); put(o, ".\n");
                break;
            case S_SCOPE_DEACT:
                tc.set(t / kSec); jprefix(o, tc, n, "systemd", 1);
                put(o, "cri-containerd-"); put_hex(o, rng, 64); put(o, ".scope: Deactivated successfully.\n");
                break;
            case S_SCOPE_CPU:
                tc.set(t / kSec); jprefix(o, tc, n, "systemd", 1);
                put(o, "cri-containerd-"); put_hex(o, rng, 64); put(o, ".scope: Consumed "); put_go_duration(o, rng.range(20 * kMs, 90 * kSec) / kMs * kMs); put(o, " CPU time.\n");
                break;
            case S_MOUNT_DEACT:
                tc.set(t / kSec); jprefix(o, tc, n, "systemd", 1);
                switch (rng.below(3)) {
                    case 0: put(o, "run-containerd-io.containerd.runtime.v2.task-k8s.io-"); put_hex(o, rng, 64); put(o, "-rootfs.mount: Deactivated successfully.\n"); break;
                    case 1: put(o, "run-containerd-io.containerd.grpc.v1.cri-sandboxes-"); put_hex(o, rng, 64); put(o, "-shm.mount: Deactivated successfully.\n"); break;
                    default: put(o, "var-lib-kubelet-pods-"); put_uid_unit(o, p.uid); put(o, "-volumes-kubernetes.io\\x7eprojected-kube\\x2dapi\\x2daccess\\x2d"); put(o, p.vol); put(o, ".mount: Deactivated successfully.\n"); break;
                }
                break;
            case S_SLICE_NEW: case S_SLICE_RM: {
                tc.set(t / kSec); jprefix(o, tc, n, "systemd", 1);
                const char* qos = rng.pct(50) ? "besteffort" : "burstable";
                tmp = std::string("kubepods-") + qos + "-pod"; put_uid_underscored(tmp, p.uid); tmp += ".slice";
                put(o, c == S_SLICE_NEW ? "Created slice " : "Removed slice "); put(o, tmp); put(o, " - libcontainer container "); put(o, tmp); put(o, ".\n");
                break;
            }
            case S_KERNEL_VETH: {
                tc.set(t / kSec); jprefix(o, tc, n, "kernel", 0);
                tmp = "veth" + hex(rng, 8);
                unsigned port = 1 + static_cast<unsigned>(rng.below(40));
                switch (rng.below(5)) {
                    case 0: put(o, "cni0: port "); put_u(o, port); putc_(o, '('); put(o, tmp); put(o, ") entered blocking state\n"); break;
                    case 1: put(o, "cni0: port "); put_u(o, port); putc_(o, '('); put(o, tmp); put(o, ") entered disabled state\n"); break;
                    case 2: put(o, tmp); put(o, ": entered promiscuous mode\n"); break;
                    case 3: put(o, "cni0: port "); put_u(o, port); putc_(o, '('); put(o, tmp); put(o, ") entered forwarding state\n"); break;
                    default: put(o, tmp); put(o, " (unregistering): left promiscuous mode\n"); break;
                }
                break;
            }
            case S_NETWORKD: {
                static constexpr std::array<const char*, 5> kMsg = {": Link UP", ": Gained carrier", ": Gained IPv6LL", ": Link DOWN", ": Lost carrier"};
                tc.set(t / kSec); jprefix(o, tc, n, "systemd-networkd", n.networkd_pid);
                put(o, "veth"); put_hex(o, rng, 8); put(o, rng.pick(kMsg)); putc_(o, '\n');
                break;
            }
            case S_SSHD: {
                tc.set(t / kSec); jprefix(o, tc, n, "sshd", new_pid(n));
                std::string ip = "10.0.0." + std::to_string(2 + rng.below(200));
                std::string port = std::to_string(40000 + rng.below(20000));
                switch (rng.below(6)) {
                    case 0: put(o, "Accepted publickey for core from "); put(o, ip); put(o, " port "); put(o, port); put(o, " ssh2: ED25519 SHA256:"); put(o, hex(rng, 43)); putc_(o, '\n'); break;
                    case 1: put(o, "pam_unix(sshd:session): session opened for user core(uid=1000) by (uid=0)\n"); break;
                    case 2: put(o, "Received disconnect from "); put(o, ip); put(o, " port "); put(o, port); put(o, ":11: disconnected by user\n"); break;
                    case 3: put(o, "Disconnected from user core "); put(o, ip); put(o, " port "); put(o, port); putc_(o, '\n'); break;
                    case 4: put(o, "pam_unix(sshd:session): session closed for user core\n"); break;
                    default: put(o, "Connection closed by authenticating user root 198.51.100."); put_u(o, rng.below(250)); put(o, " port "); put(o, port); put(o, " [preauth]\n"); break;
                }
                break;
            }
            case S_LOGIND: {
                tc.set(t / kSec); jprefix(o, tc, n, "systemd-logind", n.logind_pid);
                unsigned s = n.next_session;
                switch (rng.below(3)) {
                    case 0: ++n.next_session; put(o, "New session "); put_u(o, s); put(o, " of user core.\n"); break;
                    case 1: put(o, "Session "); put_u(o, s > 1 ? s - 1 : 1); put(o, " logged out. Waiting for processes to exit.\n"); break;
                    default: put(o, "Removed session "); put_u(o, s > 1 ? s - 1 : 1); put(o, ".\n"); break;
                }
                break;
            }
            case S_CHRONY:
                tc.set(t / kSec); jprefix(o, tc, n, "chronyd", n.chrony_pid);
                if (rng.pct(70)) put(o, "Selected source 169.254.169.123\n");
                else { put(o, "Source 192.0.2."); put_u(o, rng.below(250)); put(o, " replaced with 192.0.2."); put_u(o, rng.below(250)); put(o, " (2.pool.ntp.org)\n"); }
                break;
            case S_CRON: {
                tc.set(t / kSec); jprefix(o, tc, n, "CRON", new_pid(n));
                switch (rng.below(3)) {
                    case 0: put(o, "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)\n"); break;
                    case 1: put(o, "(root) CMD (test -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.hourly; })\n"); break;
                    default: put(o, "pam_unix(cron:session): session closed for user root\n"); break;
                }
                break;
            }
            case S_JOURNALD:
                tc.set(t / kSec); jprefix(o, tc, n, "systemd-journald", n.journald_pid);
                put(o, "Data hash table of /var/log/journal/"); put(o, n.machine_id); put(o, "/system.journal has a fill level at 75.0 (174763 of 233016 items, 134217728 file size, 768 bytes per hash table item), suggesting rotation.\n");
                break;
            case S_RESOLVED:
                tc.set(t / kSec); jprefix(o, tc, n, "systemd-resolved", n.resolved_pid);
                if (rng.pct(50)) put(o, "Using degraded feature set UDP instead of UDP+EDNS0 for DNS server 10.0.0.2.\n");
                else put(o, "Grace period over, resuming full feature set (UDP+EDNS0) for DNS server 10.0.0.2.\n");
                break;
            default: /* S_LOGROTATE */
                tc.set(t / kSec); jprefix(o, tc, n, "systemd", 1);
                switch (rng.below(3)) {
                    case 0: put(o, "Starting logrotate.service - Rotate log files...\n"); break;
                    case 1: put(o, "logrotate.service: Deactivated successfully.\n"); break;
                    default: put(o, "Finished logrotate.service - Rotate log files.\n"); break;
                }
                break;
        }
    }

    // Go time.Time.String() of a wall time with monotonic reading: "2026-03-17 08:00:01.123456789 +0000 UTC m=+1234.567890123"
    void put_go_time(std::string& o, const Node& n, i64 t) {
        tc_sched.set(t / kSec);
        put(o, tc_sched.human); putc_(o, '.'); put_pad(o, static_cast<u64>(t % kSec), 9, '0');
        put(o, " +0000 UTC m=+");
        i64 m = t - n.kubelet_start;
        put_u(o, static_cast<u64>(m / kSec)); putc_(o, '.'); put_pad(o, static_cast<u64>(m % kSec), 9, '0');
    }

    // ---- pull stories -------------------------------------------------------------
    struct Story {
        std::vector<Pending> ev;
        i64 end = 0;
    };
    void add(Story& st, const Node& n, i64 t, std::uint8_t tag, std::uint8_t cls, std::string&& text, std::uint8_t flags = 0) {
        // Short pulls keep the lines that make an attempt and drop the rest
        // after drawing them, so a story's times and classes are drawn as in
        // the calm profile, and the calm output does not change.
        if (short_pulls && (tag == T_CTRD || tag == T_K_STARTFAIL || tag == T_K_LATENCY ||
                            (tag == T_K_ERRIMAGEPULL && !(flags & F_FIRST_FAIL)))) {
            if (t > st.end) st.end = t;
            return;
        }
        st.ev.push_back(Pending{t, tag, cls, flags, static_cast<std::uint16_t>(&n - nodes.data()), std::move(text)});
        if (t > st.end) st.end = t;
    }
    std::string cl(const Node& n, i64 t, sv level, sv msg, std::initializer_list<std::pair<sv, sv>> fields = {}) {
        std::string o;
        ctrd(o, tc_sched, n, t, level, msg, fields);
        return o;
    }

    enum class HostRes { OK, H404, REFUSED, DNS, TIMEOUT, TLS, SCOPE, OAUTH401, STATUS };
    struct Outcome {
        Cls cls = C_SUCCESS;
        int variant = 0;  // rate: 0 manifest GET 429, 1 HEAD 429; auth: 0 private HEAD 401, 1 Docker Hub wrong creds
    };

    static std::string manifest_url(const Img& im, sv host, bool mirror) {
        std::string u = "https://" + std::string(host) + "/v2/" + im.repo + "/manifests/" + im.tag;
        if (mirror) u += "?ns=docker.io";
        return u;
    }

    // One PullImage attempt on node n starting at t0. Returns the time of the final containerd line.
    // For failures, fills grpc_code and the error text after `failed to pull and unpack image "X": `.
    i64 attempt(Story& st, Node& n, const Img& im, Outcome oc, i64 t0, std::string& code, std::string& full_err, std::uint8_t flags_ok) {
        const bool v16 = n.ctrd == Ctrd::V16, v20 = n.ctrd == Ctrd::V20;
        const bool dbg = n.debug;
        const bool hub = im.registry == "docker.io";
        const Cls cls = oc.cls;
        i64 t = t0;
        add(st, n, t, T_START, cls, cl(n, t, "info", "PullImage " + q(im.request)));
        if (dbg && im.normalized != im.request) { t += rng.range(30 * kUs, 300 * kUs); add(st, n, t, T_CTRD, cls, cl(n, t, "debug", "PullImage using normalized image ref: " + q(im.normalized))); }
        if (dbg && !v16) { t += rng.range(10 * kUs, 100 * kUs); add(st, n, t, T_CTRD, cls, cl(n, t, "debug", "PullImage " + q(im.request) + " with snapshotter overlayfs")); }

        // Host list (formats.md §1.4): hosts.toml mirror first, then the upstream.
        std::vector<std::pair<std::string, bool>> hosts;  // host, is_mirror
        const bool use_mirror = n.mirror && hub;
        if (use_mirror) hosts.push_back({"mirror.internal:5000", true});
        hosts.push_back({im.api_host, false});
        if (dbg && n.mirror) {
            t += rng.range(20 * kUs, 200 * kUs);
            std::string dir = "/etc/containerd/certs.d/" + im.registry;
            if (use_mirror) add(st, n, t, T_CTRD, cls, cl(n, t, "debug", "loading host directory", {{"dir", dir}}));
        }

        // What happens at each host.
        std::vector<HostRes> res(hosts.size(), HostRes::OK);
        int status = 0;  // HTTP status for HostRes::STATUS
        std::size_t last = hosts.size() - 1;
        if (use_mirror) {
            // 1.x keeps the first transport error; a 404 never sets it (formats.md §1.5.2) — so a
            // failing pull only sees mirror 404s, a successful one may see the mirror down.
            if (cls == C_SUCCESS) { u64 x = rng.below(100); res[0] = x < 70 ? HostRes::OK : x < 85 ? HostRes::H404 : HostRes::REFUSED; }
            else res[0] = HostRes::H404;
        }
        switch (cls) {
            case C_SUCCESS: res[last] = HostRes::OK; break;
            case C_RATE: if (oc.variant == 1) { res[last] = HostRes::STATUS; status = 429; } else res[last] = HostRes::OK; break;
            case C_NOTFOUND: res[last] = HostRes::H404; break;
            case C_NF_OR_UNAUTH: res[last] = HostRes::SCOPE; break;
            case C_AUTH: if (oc.variant == 1) res[last] = HostRes::OAUTH401; else { res[last] = HostRes::STATUS; status = 401; } break;
            case C_TLS_CA: res[last] = HostRes::TLS; break;
            case C_DNS: res[last] = HostRes::DNS; break;
            case C_REFUSED: res[last] = HostRes::REFUSED; break;
            case C_TIMEOUT: res[last] = HostRes::TIMEOUT; break;
            case C_DENIED: res[last] = HostRes::STATUS; status = 403; break;
            case C_5XX: res[last] = HostRes::STATUS; status = 503; break;
            default: break;
        }
        auto status_text = [](int s) -> const char* {
            switch (s) { case 401: return "401 Unauthorized"; case 403: return "403 Forbidden"; case 404: return "404 Not Found"; case 429: return "429 Too Many Requests"; default: return "503 Service Unavailable"; }
        };
        const std::string ua = std::string("containerd/") + ctrd_version(n.ctrd);
        const char* kAccept = "application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, */*";
        const std::string tls_err = v16 ? "x509: certificate signed by unknown authority" : "tls: failed to verify certificate: x509: certificate signed by unknown authority";
        const std::string oauth_err = v16 ? "failed to authorize: failed to fetch oauth token: unexpected status: 401 Unauthorized"
                                          : "failed to authorize: failed to fetch oauth token: unexpected status from POST request to https://auth.docker.io/token: 401 Unauthorized";
        const std::string scope_err = "pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed";

        std::string resolve_err;  // text after `failed to resolve reference "X": `
        bool resolved = false;
        std::string resolved_host;
        bool resolved_mirror = false;
        for (std::size_t i = 0; i < hosts.size() && !resolved; ++i) {
            const std::string& h = hosts[i].first;
            const bool mir = hosts[i].second;
            const std::string url = manifest_url(im, h, mir);
            const bool is_last = i == last;
            const HostRes r = res[i];
            t += rng.range(50 * kUs, 1500 * kUs);
            if (dbg) {
                add(st, n, t, T_CTRD, cls, cl(n, t, "debug", "resolving", {{"host", h}}));
                t += rng.range(10 * kUs, 120 * kUs);
                add(st, n, t, T_CTRD, cls, cl(n, t, "debug", "do request", {{"host", h}, {"request.header.accept", kAccept}, {"request.header.user-agent", ua}, {"request.method", "HEAD"}, {"url", url}}));
            }
            auto next_host_msg = [&]() -> std::string { return (v20 && is_last) ? "fetch failed" : "trying next host"; };
            auto request_error = [&](const std::string& reqerr, i64 delay) {
                t += delay;
                add(st, n, t, T_CTRD, cls, cl(n, t, "info", next_host_msg(), {{"error", reqerr}, {"host", h}}));
                if (resolve_err.empty()) resolve_err = reqerr;  // 1.x: first error wins; only one non-404 failure per pull here
            };
            auto response = [&](int st_code, std::initializer_list<std::pair<sv, sv>> extra) {
                t += rng.range(8 * kMs, 180 * kMs);
                if (!dbg) return;
                tc_sched.set(t / kSec);
                std::string date = tc_sched.http;
                std::string status_s = st_code == 200 ? "200 OK" : status_text(st_code);
                std::string o;
                // Build the field list: common headers + extra, logrus sorts them.
                std::vector<std::pair<sv, sv>> f = {{"host", h}, {"response.header.date", date}, {"response.header.docker-distribution-api-version", "registry/2.0"}, {"response.status", status_s}, {"url", url}};
                for (auto& kv : extra) f.push_back(kv);
                std::sort(f.begin(), f.end());
                ctrd_vec(o, n, t, "debug", "fetch response received", f);
                add(st, n, t, T_CTRD, cls, std::move(o));
            };
            switch (r) {
                case HostRes::OK: {
                    std::string digest = "sha256:" + im.idx;
                    std::string etag = q(digest);
                    std::string remaining = std::to_string(rng.below(100)) + ";w=21600";
                    std::string src = "198.51.100." + std::to_string(10 + (&n - nodes.data()));
                    std::string clen = std::to_string(1500 + (fnv1a(im.idx) % 8000));
                    if (hub && !mir)
                        response(200, {{"response.header.content-length", clen}, {"response.header.content-type", "application/vnd.oci.image.index.v1+json"}, {"response.header.docker-content-digest", digest},
                                       {"response.header.docker-ratelimit-source", src}, {"response.header.etag", etag}, {"response.header.ratelimit-limit", "100;w=21600"},
                                       {"response.header.ratelimit-remaining", remaining}, {"response.header.strict-transport-security", "max-age=31536000"}});
                    else
                        response(200, {{"response.header.content-length", clen}, {"response.header.content-type", "application/vnd.oci.image.index.v1+json"}, {"response.header.docker-content-digest", digest},
                                       {"response.header.etag", etag}, {"response.header.x-content-type-options", "nosniff"}});
                    if (dbg) { t += rng.range(20 * kUs, 80 * kUs); add(st, n, t, T_CTRD, cls, cl(n, t, "debug", "resolved", {{"desc.digest", digest}, {"host", h}})); }
                    resolved = true;
                    resolved_host = h;
                    resolved_mirror = mir;
                    break;
                }
                case HostRes::H404:
                    response(404, {{"response.header.content-length", "157"}, {"response.header.content-type", "application/json; charset=utf-8"}});
                    t += rng.range(10 * kUs, 60 * kUs);
                    if (v20) add(st, n, t, T_CTRD, cls, cl(n, t, "info", std::string(is_last ? "fetch failed" : "trying next host") + " after status: 404 Not Found", {{"host", h}}));
                    else add(st, n, t, T_CTRD, cls, cl(n, t, "info", "trying next host - response was http.StatusNotFound", {{"host", h}}));
                    break;
                case HostRes::REFUSED:
                    request_error("failed to do request: Head " + q(url) + ": dial tcp " + dial_addr(h) + ": connect: connection refused", rng.range(300 * kUs, 3 * kMs));
                    break;
                case HostRes::DNS:
                    request_error("failed to do request: Head " + q(url) + ": dial tcp: lookup " + host_only(h) + " on 127.0.0.53:53: no such host", rng.range(2 * kMs, 40 * kMs));
                    break;
                case HostRes::TIMEOUT:
                    request_error("failed to do request: Head " + q(url) + ": dial tcp " + dial_addr(h) + ": i/o timeout", 30 * kSec + rng.range(0, 5 * kMs));
                    break;
                case HostRes::TLS:
                    request_error("failed to do request: Head " + q(url) + ": " + tls_err, rng.range(15 * kMs, 90 * kMs));
                    break;
                case HostRes::SCOPE: {
                    std::string chall = "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:" + im.repo + ":pull\"";
                    std::string chall2 = chall + ",error=\"insufficient_scope\"";
                    response(401, {{"response.header.content-length", "157"}, {"response.header.content-type", "application/json"}, {"response.header.www-authenticate", chall}});
                    if (dbg) { t += rng.range(5 * kUs, 60 * kUs); add(st, n, t, T_CTRD, cls, cl(n, t, "debug", "Unauthorized", {{"header", chall}, {"host", h}})); }
                    response(401, {{"response.header.content-length", "157"}, {"response.header.content-type", "application/json"}, {"response.header.www-authenticate", chall2}});
                    if (dbg) { t += rng.range(5 * kUs, 60 * kUs); add(st, n, t, T_CTRD, cls, cl(n, t, "debug", "Unauthorized", {{"header", chall2}, {"host", h}})); }
                    request_error(scope_err, rng.range(20 * kUs, 90 * kUs));
                    break;
                }
                case HostRes::OAUTH401: {
                    std::string chall = "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:" + im.repo + ":pull\"";
                    response(401, {{"response.header.content-length", "157"}, {"response.header.content-type", "application/json"}, {"response.header.www-authenticate", chall}});
                    if (dbg) { t += rng.range(5 * kUs, 60 * kUs); add(st, n, t, T_CTRD, cls, cl(n, t, "debug", "Unauthorized", {{"header", chall}, {"host", h}})); }
                    request_error(oauth_err, rng.range(60 * kMs, 300 * kMs));
                    break;
                }
                case HostRes::STATUS: {
                    std::string st_s = status_text(status);
                    if (status == 401) {
                        std::string chall = "Basic realm=\"Registry Realm\"";
                        response(401, {{"response.header.content-length", "145"}, {"response.header.content-type", "application/json; charset=utf-8"}, {"response.header.www-authenticate", chall}});
                        if (dbg) { t += rng.range(5 * kUs, 60 * kUs); add(st, n, t, T_CTRD, cls, cl(n, t, "debug", "Unauthorized", {{"header", chall}, {"host", h}})); }
                    } else if (status == 429) {
                        std::string src = "198.51.100." + std::to_string(10 + (&n - nodes.data()));
                        response(429, {{"response.header.content-length", "0"}, {"response.header.docker-ratelimit-source", src}, {"response.header.ratelimit-limit", "100;w=21600"},
                                       {"response.header.ratelimit-remaining", "0;w=21600"}, {"response.header.strict-transport-security", "max-age=31536000"}});
                    } else {
                        response(status, {{"response.header.content-length", "0"}});
                    }
                    // 1.x logs nothing for a non-404 status > 399; 2.0 logs "... after status: ..." (formats.md §1.3).
                    if (v20) { t += rng.range(10 * kUs, 60 * kUs); add(st, n, t, T_CTRD, cls, cl(n, t, "info", std::string(is_last ? "fetch failed" : "trying next host") + " after status: " + st_s, {{"host", h}})); }
                    if (resolve_err.empty()) {
                        if (v20) resolve_err = "unexpected status from HEAD request to " + url + ": " + st_s;
                        else { resolve_err = "pulling from host " + h + " failed with status code [manifests " + im.tag + "]: " + st_s; }
                    }
                    break;
                }
            }
        }

        const bool ok = cls == C_SUCCESS;
        if (!resolved) {
            if (cls == C_NOTFOUND) resolve_err = im.normalized + ": not found";
            full_err = "failed to pull and unpack image " + q(im.normalized) + ": failed to resolve reference " + q(im.normalized) + ": " + resolve_err;
        } else if (!ok) {
            // C_RATE variant 0: manifest GET by digest answered 429 (realpull toomanyrequests-429).
            std::string digest = "sha256:" + im.idx;
            std::string url = "https://" + resolved_host + "/v2/" + im.repo + "/manifests/" + digest + (resolved_mirror ? "?ns=docker.io" : "");
            std::string size = std::to_string(1500 + (fnv1a(im.idx) % 8000));
            if (dbg) {
                t += rng.range(100 * kUs, 900 * kUs);
                add(st, n, t, T_CTRD, cls, cl(n, t, "debug", "fetch", {{"digest", digest}, {"mediatype", "application/vnd.oci.image.index.v1+json"}, {"size", size}}));
                t += rng.range(50 * kUs, 3 * kMs);
                add(st, n, t, T_CTRD, cls, cl(n, t, "debug", "do request", {{"digest", digest}, {"mediatype", "application/vnd.oci.image.index.v1+json"}, {"request.header.accept", "application/vnd.oci.image.index.v1+json, */*"},
                                                                             {"request.header.user-agent", ua}, {"request.method", "GET"}, {"size", size}, {"url", url}}));
                t += rng.range(8 * kMs, 150 * kMs);
                tc_sched.set(t / kSec);
                std::string date = tc_sched.http;
                std::string src = "198.51.100." + std::to_string(10 + (&n - nodes.data()));
                add(st, n, t, T_CTRD, cls, cl(n, t, "debug", "fetch response received", {{"digest", digest}, {"mediatype", "application/vnd.oci.image.index.v1+json"}, {"response.header.content-length", "194"},
                    {"response.header.content-type", "application/json"}, {"response.header.date", date}, {"response.header.docker-distribution-api-version", "registry/2.0"},
                    {"response.header.docker-ratelimit-source", src}, {"response.header.ratelimit-limit", "100;w=21600"}, {"response.header.ratelimit-remaining", "0;w=21600"},
                    {"response.header.strict-transport-security", "max-age=31536000"}, {"response.status", "429 Too Many Requests"}, {"size", size}, {"url", url}}));
            } else {
                t += rng.range(10 * kMs, 160 * kMs);
            }
            full_err = "failed to pull and unpack image " + q(im.normalized) + ": failed to copy: httpReadSeeker: failed open: unexpected status code " + url +
                       ": 429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit";
        }

        if (!ok) {
            switch (cls) {
                case C_NOTFOUND: code = "NotFound"; break;
                case C_TIMEOUT: code = "DeadlineExceeded"; break;
                default: code = "Unknown"; break;
            }
            t += rng.range(100 * kUs, 2 * kMs);
            if (!v16) add(st, n, t, T_CTRD, cls, cl(n, t, "info", "stop pulling image " + im.normalized + ": active requests=0, bytes read=0"));
            t += rng.range(20 * kUs, 300 * kUs);
            // 1.x returns unmapped errors unchanged (no rpc prefix in containerd's own log); 2.x maps everything.
            std::string ctrd_err = (code != "Unknown" || v20) ? "rpc error: code = " + code + " desc = " + full_err : full_err;
            add(st, n, t, T_FAIL, cls, cl(n, t, "error", "PullImage " + q(im.request) + " failed", {{"error", ctrd_err}}));
            return t;
        }

        // Success: download the manifest, config and layers, then the image events.
        i64 dl = 150 * kMs + static_cast<i64>(im.size) * kSec / (15'000'000 + static_cast<i64>(rng.below(110'000'000)));
        i64 t_end = t + dl;
        if (dbg) {
            std::string base = "https://" + resolved_host + "/v2/" + im.repo;
            struct Blob { std::string digest; const char* mt; u64 size; bool manifest; };
            std::vector<Blob> blobs;
            blobs.push_back({"sha256:" + im.idx, "application/vnd.oci.image.index.v1+json", 1500 + (fnv1a(im.idx) % 8000), true});
            blobs.push_back({"sha256:" + im.mfst, "application/vnd.oci.image.manifest.v1+json", 400 + (fnv1a(im.mfst) % 2000), true});
            blobs.push_back({"sha256:" + im.cfg, "application/vnd.oci.image.config.v1+json", 1000 + (fnv1a(im.cfg) % 9000), false});
            Rng lr(fnv1a(im.spec));
            for (int i = 0; i < im.layers; ++i) {
                std::string d = "sha256:" + hex(lr, 64);
                u64 sz = im.size / static_cast<u64>(im.layers + 1) + lr.below(100000);
                blobs.push_back({d, "application/vnd.oci.image.layer.v1.tar+gzip", sz, false});
            }
            i64 span = dl / 5;
            for (const Blob& b : blobs) {
                t += rng.range(100 * kUs, 2 * kMs) + span / static_cast<i64>(blobs.size() + 1);
                std::string sz = std::to_string(b.size);
                std::string url = base + (b.manifest ? "/manifests/" : "/blobs/") + b.digest + (resolved_mirror ? "?ns=docker.io" : "");
                std::string accept = std::string(b.mt) + ", */*";
                add(st, n, t, T_CTRD, cls, cl(n, t, "debug", "fetch", {{"digest", b.digest}, {"mediatype", b.mt}, {"size", sz}}));
                t += rng.range(50 * kUs, 2 * kMs);
                add(st, n, t, T_CTRD, cls, cl(n, t, "debug", "do request", {{"digest", b.digest}, {"mediatype", b.mt}, {"request.header.accept", accept}, {"request.header.user-agent", ua}, {"request.method", "GET"}, {"size", sz}, {"url", url}}));
                t += rng.range(5 * kMs, 120 * kMs);
                tc_sched.set(t / kSec);
                std::string date = tc_sched.http;
                add(st, n, t, T_CTRD, cls, cl(n, t, "debug", "fetch response received", {{"digest", b.digest}, {"mediatype", b.mt}, {"response.header.content-length", sz},
                    {"response.header.content-type", b.manifest ? b.mt : "application/octet-stream"}, {"response.header.date", date}, {"response.header.docker-distribution-api-version", "registry/2.0"},
                    {"response.status", "200 OK"}, {"size", sz}, {"url", url}}));
            }
        }
        if (t_end < t + kMs) t_end = t + kMs;
        t = t_end;
        auto img_event = [&](sv kind, const std::string& name) {
            t += rng.range(200 * kUs, 3 * kMs);
            if (dbg) {
                std::string topic = kind == "ImageCreate" ? "/images/create" : "/images/update";
                std::string type = std::string("containerd.services.images.v1.") + std::string(kind);
                add(st, n, t, T_CTRD, cls, cl(n, t, "debug", "event published", {{"ns", "k8s.io"}, {"topic", topic}, {"type", type}}));
                t += rng.range(20 * kUs, 400 * kUs);
            }
            std::string m;
            if (v16) m = std::string(kind) + " event &" + std::string(kind) + "{Name:" + name + ",Labels:map[string]string{io.cri-containerd.image: managed,},XXX_unrecognized:[],}";
            else m = std::string(kind) + " event name:\"" + name + "\" labels:{key:\"io.cri-containerd.image\" value:\"managed\"}";
            add(st, n, t, T_CTRD, cls, cl(n, t, "info", m));
        };
        img_event("ImageCreate", im.normalized);
        if (!v16) { t += rng.range(50 * kUs, 600 * kUs); add(st, n, t, T_CTRD, cls, cl(n, t, "info", "stop pulling image " + im.normalized + ": active requests=0, bytes read=" + std::to_string(im.size))); }
        img_event("ImageCreate", "sha256:" + im.cfg);
        img_event("ImageUpdate", im.normalized);
        img_event("ImageCreate", im.name_norm + "@sha256:" + im.idx);
        t += rng.range(100 * kUs, 2 * kMs);
        std::string pulled = "Pulled image " + q(im.request) + " with image id " + q("sha256:" + im.cfg) + ", repo tag " + q(im.normalized) + ", repo digest " + q(im.name_norm + "@sha256:" + im.idx);
        if (v16) { if (dbg) add(st, n, t, T_CTRD, cls, cl(n, t, "debug", pulled)); }
        else add(st, n, t, T_CTRD, cls, cl(n, t, "info", pulled + ", size " + q(std::to_string(im.size)) + " in " + go_duration(t - t0)));
        t += rng.range(10 * kUs, 200 * kUs);
        add(st, n, t, T_OK, cls, cl(n, t, "info", "PullImage " + q(im.request) + " returns image reference " + q("sha256:" + im.cfg)), flags_ok);
        return t;
    }

    void ctrd_vec(std::string& o, const Node& n, i64 t, sv level, sv msg, const std::vector<std::pair<sv, sv>>& f) {
        tc_sched.set(t / kSec);
        jprefix(o, tc_sched, n, "containerd", n.ctrd_pid);
        put(o, "time=\""); put(o, tc_sched.iso); putc_(o, '.'); put_pad(o, static_cast<u64>(t % kSec), 9, '0'); put(o, "Z\" level=");
        put(o, level); put(o, " msg="); put_lv(o, msg);
        for (auto& kv : f) { putc_(o, ' '); put(o, kv.first); putc_(o, '='); put_lv(o, kv.second); }
        putc_(o, '\n');
    }

    std::string container_dump(const Pod& p, const Img& im) {
        return "&Container{Name:" + p.container + ",Image:" + im.spec + ",Command:[],Args:[],WorkingDir:,Ports:[]ContainerPort{ContainerPort{Name:http,HostPort:0,ContainerPort:8080,Protocol:TCP,HostIP:,},},"
               "Env:[]EnvVar{},Resources:ResourceRequirements{Limits:ResourceList{},Requests:ResourceList{},Claims:[]ResourceClaim{},},VolumeMounts:[]VolumeMount{VolumeMount{Name:kube-api-access-" + p.vol +
               ",ReadOnly:true,MountPath:/var/run/secrets/kubernetes.io/serviceaccount,SubPath:,MountPropagation:nil,SubPathExpr:,},},LivenessProbe:nil,ReadinessProbe:nil,Lifecycle:nil,"
               "TerminationMessagePath:/dev/termination-log,ImagePullPolicy:IfNotPresent,SecurityContext:nil,Stdin:false,StdinOnce:false,TTY:false,EnvFrom:[]EnvFromSource{},"
               "TerminationMessagePolicy:File,VolumeDevices:[]VolumeDevice{},StartupProbe:nil,ResizePolicy:[]ContainerResizePolicy{},RestartPolicy:nil,}";
    }

    // kubelet lines after a failed attempt (formats.md §2.4). Returns the time of the last line.
    i64 kubelet_failure(Story& st, Node& n, const Pod& p, const Img& im, Cls cls, i64 t, const std::string& code, const std::string& full_err, std::uint8_t flags) {
        const std::string grpc = "rpc error: code = " + code + " desc = " + full_err;
        // 1.28+ strips the Unknown code after logging it (PR #117612).
        const std::string msg = (code == "Unknown" && n.kube != Kube::V127) ? full_err : grpc;
        std::string o;
        t += rng.range(150 * kUs, 2500 * kUs);
        klog(o, tc_sched, n, t, 'E', kl_line(n, 21));
        put(o, "\"PullImage from image service failed\" err="); put_q(o, grpc); put(o, " image="); put_q(o, im.request); putc_(o, '\n');
        add(st, n, t, T_K_REMOTE, cls, std::move(o));

        o.clear();
        t += rng.range(30 * kUs, 300 * kUs);
        klog(o, tc_sched, n, t, 'E', kl_line(n, 22));
        std::string hs = "container " + container_dump(p, im) + " start failed in pod " + p.name + "_" + p.ns + "(" + p.uid + "): ErrImagePull: " + msg;
        if (n.kube == Kube::V131) { put(o, "\"Unhandled Error\" err="); put_q(o, hs); put(o, " logger=\"UnhandledError\"\n"); }
        else { put(o, hs); putc_(o, '\n'); }
        add(st, n, t, T_K_STARTFAIL, cls, std::move(o));

        o.clear();
        t += rng.range(100 * kUs, 800 * kUs);
        klog(o, tc_sched, n, t, 'E', kl_line(n, 23));
        std::string err = "failed to " + q("StartContainer") + " for " + q(p.container) + " with ErrImagePull: " + q(msg);
        put(o, "\"Error syncing pod, skipping\" err="); put_q(o, err); put(o, " pod="); put_pod(o, p); put(o, " podUID="); put_uid(o, n, p.uid); putc_(o, '\n');
        add(st, n, t, T_K_ERRIMAGEPULL, cls, std::move(o), flags);
        return t;
    }
    void kubelet_backoff(Story& st, Node& n, const Pod& p, const Img& im, Cls cls, i64 t) {
        std::string o;
        klog(o, tc_sched, n, t, 'E', kl_line(n, 23));
        std::string err = "failed to " + q("StartContainer") + " for " + q(p.container) + " with ImagePullBackOff: " + q("Back-off pulling image " + q(im.spec));
        put(o, "\"Error syncing pod, skipping\" err="); put_q(o, err); put(o, " pod="); put_pod(o, p); put(o, " podUID="); put_uid(o, n, p.uid); putc_(o, '\n');
        add(st, n, t, T_K_BACKOFF, cls, std::move(o));
    }
    void kubelet_started(Story& st, Node& n, const Pod& p, i64 created, i64 pull0, i64 pull1, i64 t) {
        std::string o;
        klog(o, tc_sched, n, t, 'I', kl_line(n, 10));
        i64 e2e = t - created;
        i64 slo = e2e - (pull1 - pull0);
        if (slo < 0) slo = 0;
        put(o, "\"Observed pod startup duration\" pod="); put_pod(o, p);
        put(o, " podStartSLOduration="); put_secs_float(o, slo);
        put(o, " podStartE2EDuration=\""); put_go_duration(o, e2e);
        tc_sched.set(created / kSec);
        put(o, "\" podCreationTimestamp=\""); put(o, tc_sched.human);
        put(o, " +0000 UTC\" firstStartedPulling=\""); put_go_time(o, n, pull0);
        put(o, "\" lastFinishedPulling=\""); put_go_time(o, n, pull1);
        put(o, "\" observedRunningTime=\""); put_go_time(o, n, t - rng.range(50 * kUs, 900 * kUs));
        put(o, "\" watchObservedRunningTime=\""); put_go_time(o, n, t - rng.range(1 * kUs, 40 * kUs)); put(o, "\"\n");
        add(st, n, t, T_K_LATENCY, C_SUCCESS, std::move(o));
    }

    Cls pick_fail_cls() {
        unsigned total = 0;
        for (unsigned w : kClsWeight) total += w;
        u64 x = rng.below(total);
        for (std::size_t c = 0; c < C_COUNT; ++c) { if (x < kClsWeight[c]) return static_cast<Cls>(c); x -= kClsWeight[c]; }
        return C_RATE;
    }

    // Build a whole pod story (one or more attempts, kubelet lines, back-off repeats).
    // max_attempts / max_tail limit its length near the end of the output.
    // The story's pod runs the pulled image: container named after the repository, pod after a workload of it.
    Pod story_pod(const Img& im) {
        Pod p = make_pod(rng);
        auto sl = im.repo.rfind('/');
        p.container = sl == std::string::npos ? im.repo : im.repo.substr(sl + 1);
        std::string rs = kube_rand(rng, 10);
        p.name = p.container + "-" + rs + "-" + kube_rand(rng, 5);
        return p;
    }

    Story build_story(i64 t0, Node& n, bool failure, int max_attempts, int max_tail) {
        Story st;
        i64 created = t0 - rng.range(200 * kMs, 3 * kSec);
        if (!failure) {
            const Img& im = rng.pick(imgs[C_SUCCESS]);
            Pod p = story_pod(im);
            std::string code, err;
            i64 te = attempt(st, n, im, Outcome{C_SUCCESS, 0}, t0, code, err, 0);
            kubelet_started(st, n, p, created, t0, te, te + rng.range(300 * kMs, 3 * kSec));
            return st;
        }
        Outcome oc;
        oc.cls = pick_fail_cls();
        if (oc.cls == C_RATE) oc.variant = rng.pct(80) ? 0 : 1;
        if (oc.cls == C_AUTH) oc.variant = rng.pct(60) ? 0 : 1;
        const Img* im = &rng.pick(imgs[oc.cls]);
        if (oc.cls == C_AUTH) {  // variant 1 needs a Docker Hub image, variant 0 a private registry
            for (int k = 0; k < 8 && ((oc.variant == 1) != (im->registry == "docker.io")); ++k) im = &rng.pick(imgs[oc.cls]);
            if ((oc.variant == 1) != (im->registry == "docker.io")) oc.variant = im->registry == "docker.io" ? 1 : 0;
        }
        Pod p = story_pod(*im);
        int attempts = 1 + static_cast<int>(rng.below(4));
        attempts = std::min(attempts, max_attempts);
        bool transient = oc.cls == C_RATE || oc.cls == C_TIMEOUT || oc.cls == C_5XX || oc.cls == C_REFUSED;
        bool recovers = transient && rng.pct(40);
        int tail = 1 + static_cast<int>(rng.below(4));
        tail = std::min(tail, max_tail);
        i64 t = t0;
        for (int k = 0; k < attempts; ++k) {
            std::string code, err;
            i64 tf = attempt(st, n, *im, oc, t, code, err, 0);
            i64 tk = kubelet_failure(st, n, p, *im, oc.cls, tf, code, err, k == 0 ? F_FIRST_FAIL : 0);
            // Image back-off: 10s doubling up to 5m; the pod worker logs ImagePullBackOff on every sync meanwhile.
            i64 backoff = std::min<i64>((10 * kSec) << k, 300 * kSec);
            i64 until = tf + backoff;
            bool last_attempt = k == attempts - 1;
            i64 tb = tk + rng.range(50 * kMs, 1200 * kMs);
            int emitted = 0;
            while (tb < until || (last_attempt && !recovers && emitted < tail)) {
                if (last_attempt && !recovers && emitted >= tail) break;
                if (!short_pulls) kubelet_backoff(st, n, p, *im, oc.cls, tb);
                ++emitted;
                tb += rng.range(9 * kSec, 21 * kSec);
            }
            i64 slack = rng.range(0, 5 * kSec);
            t = std::max(until, tb - slack) + rng.range(10 * kMs, 2 * kSec);
            if (t <= st.end) t = st.end + rng.range(10 * kMs, 500 * kMs);
        }
        if (recovers) {
            std::string code, err;
            const Img& ok_img = *im;
            i64 ts = t;
            i64 te = attempt(st, n, ok_img, Outcome{C_SUCCESS, 0}, ts, code, err, F_RECOVERED);
            // remember which class recovered: tag the T_OK event
            st.ev.back().cls = oc.cls;
            kubelet_started(st, n, p, created, ts, te, te + rng.range(300 * kMs, 3 * kSec));
        }
        return st;
    }

    // ---- main loop -------------------------------------------------------------------
    void run(u64 size, u64 ratio_ppm, std::FILE* out) {
        init_chat();
        const u64 n_nodes = nodes.size();
        const i64 chat_gap = kSec / static_cast<i64>(30 * n_nodes);  // ~30 chatter lines/s per node
        i64 t_chat = t_start + rng.range(0, chat_gap);
        // story pacing: mean gap = avg_lines_per_story * chat_gap * (1-r)/r
        u64 story_lines_sum = 20, story_count = 1;
        auto story_gap = [&]() -> i64 {
            if (ratio_ppm == 0) return INT64_MAX / 4;
            // all in 64 bits: milli-lines per story (~2e4) * gap ns (~1e7) * (1e6 - ppm) stays < 2^63
            u64 avg_milli = story_lines_sum * 1000 / story_count;
            u64 mean = avg_milli * static_cast<u64>(chat_gap) / 1000 * (1'000'000 - ratio_ppm) / ratio_ppm;
            return rng.range(0, 2 * static_cast<i64>(mean) + 1);
        };
        i64 t_story = ratio_ppm ? t_start + story_gap() : INT64_MAX / 4;
        bool stories_open = ratio_ppm != 0;

        std::vector<char> obuf;
        obuf.reserve(8u << 20);
        std::string& o = line;
        o.reserve(1 << 16);
        u64 total = 0;
        bool first = true;
        i64 last_t = t_start;

        auto emit = [&](const char* data, std::size_t len, i64 t, std::uint8_t tag, std::uint8_t cls, std::uint8_t flags, std::uint16_t node) {
            obuf.insert(obuf.end(), data, data + len);
            if (obuf.size() >= (8u << 20) - (1u << 16)) {
                if (std::fwrite(obuf.data(), 1, obuf.size(), out) != obuf.size()) { std::perror("pullscan-genjournal: write"); std::exit(2); }
                obuf.clear();
            }
            total += len;
            truth.lines++;
            truth.by_tag[tag]++;
            if (first) { truth.t_first = t; first = false; }
            truth.t_last = t;
            last_t = t;
            switch (tag) {
                case T_START: truth.per_node[node][0]++; break;
                case T_OK:
                    truth.per_node[node][1]++;
                    if (flags & F_RECOVERED) { truth.pods_recovered++; truth.recovered_by_cls[cls]++; }
                    break;
                case T_FAIL: truth.per_node[node][2]++; truth.failed_by_cls[cls]++; break;
                case T_K_ERRIMAGEPULL: if (flags & F_FIRST_FAIL) truth.pods_failing++; break;
                default: break;
            }
        };

        while (total < size) {
            i64 t_heap = heap.empty() ? INT64_MAX : heap.top().t;
            if (stories_open && t_story <= t_chat && t_story <= t_heap) {
                // Start a story unless its projected end no longer fits in the output.
                i64 elapsed = last_t - t_start;
                // bytes per second of journal time: measured after a while, else a prior (~240 B/line)
                u64 bps = elapsed > 600 * kSec ? total / static_cast<u64>(elapsed / kSec) : 240 * static_cast<u64>(kSec) / static_cast<u64>(chat_gap);
                Node& n = nodes[rng.below(n_nodes)];
                bool failure = rng.pct(45);
                auto fits = [&](const Story& st) {
                    u64 need = bps * static_cast<u64>((st.end - t_story) / kMs) / 1000;
                    need = need * 5 / 4 + 65536;
                    return total + need < size;
                };
                Story st = build_story(t_story, n, failure, 4, 4);
                if (!fits(st)) st = build_story(t_story, n, failure, 1, 1);
                if (!fits(st)) {
                    stories_open = false;  // the tail of the output is chatter only
                } else {
                    story_lines_sum += st.ev.size();
                    story_count++;
                    for (Pending& pe : st.ev) schedule(std::move(pe));
                    t_story += story_gap();
                }
                continue;
            }
            if (t_heap <= t_chat) {
                HeapEnt he = heap.top();
                heap.pop();
                Pending& pe = slots[he.slot];
                emit(pe.line.data(), pe.line.size(), pe.t, pe.tag, pe.cls, pe.flags, pe.node);
                std::string().swap(pe.line);
                free_slots.push_back(he.slot);
                continue;
            }
            o.clear();
            chatter(t_chat, o);
            emit(o.data(), o.size(), t_chat, T_CHAT, 0, 0, 0);
            t_chat += rng.range(1, 2 * chat_gap);
        }
        if (!obuf.empty() && std::fwrite(obuf.data(), 1, obuf.size(), out) != obuf.size()) { std::perror("pullscan-genjournal: write"); std::exit(2); }
        std::fflush(out);
        truth.bytes = total;
    }
};

// ---------------------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------------------
[[noreturn]] void usage(int rc) {
    std::fputs(
        "usage: pullscan-genjournal --size SIZE [--profile calm|incident] [--nodes N] [--seed S] [--pull-ratio R]\n"
        "                           [--start YYYY-MM-DDTHH:MM:SS]\n"
        "  --profile P        calm (default): full pull stories; incident: short pulls (start, failure, kubelet's\n"
        "                     line), defaults --nodes 12 --pull-ratio 0.08\n"
        "  --size SIZE        bytes to write, suffix K, M or G (binary: 1K = 1024); output stops at the first\n"
        "                     line boundary at or after SIZE\n"
        "  --nodes N          number of hosts node-1..node-N (default 3)\n"
        "  --first-node K     number hosts from node-K instead (one journal per node of a bundle)\n"
        "  --seed S           PRNG seed (default 42); same arguments give byte-identical output\n"
        "  --pull-ratio R     share of lines that belong to image-pull sequences, 0..0.5 (default 0.03)\n"
        "  --start TS         journal start time, UTC (default 2026-03-17T08:00:00)\n"
        "Writes a journalctl -o short journal to stdout and a truth summary to stderr.\n",
        rc ? stderr : stdout);
    std::exit(rc);
}

bool parse_u64(sv s, u64& v) {
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
}
bool parse_size(sv s, u64& v) {
    if (s.empty()) return false;
    u64 mul = 1;
    char c = s.back();
    if (c == 'K' || c == 'k') mul = 1ULL << 10;
    else if (c == 'M' || c == 'm') mul = 1ULL << 20;
    else if (c == 'G' || c == 'g') mul = 1ULL << 30;
    else if (c == 'T' || c == 't') mul = 1ULL << 40;
    if (mul != 1) s.remove_suffix(1);
    if (!parse_u64(s, v)) return false;
    v *= mul;
    return true;
}
// "0.03" -> 30000 ppm, integer-only so the result is the same everywhere.
bool parse_ratio(sv s, u64& ppm) {
    u64 ip = 0, fp = 0;
    int fd = 0;
    std::size_t i = 0;
    bool any = false;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) { ip = ip * 10 + static_cast<u64>(s[i] - '0'); any = true; if (ip > 1) return false; }
    if (i < s.size() && s[i] == '.') {
        ++i;
        for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) { if (fd < 6) { fp = fp * 10 + static_cast<u64>(s[i] - '0'); ++fd; } any = true; }
    }
    if (i != s.size() || !any) return false;
    while (fd < 6) { fp *= 10; ++fd; }
    ppm = ip * 1'000'000 + fp;
    return ppm <= 500'000;
}
bool parse_start(sv s, i64& out) {
    // YYYY-MM-DDTHH:MM:SS[Z]
    if (!s.empty() && (s.back() == 'Z' || s.back() == 'z')) s.remove_suffix(1);
    if (s.size() != 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':') return false;
    u64 y, mo, d, h, mi, se;
    if (!parse_u64(s.substr(0, 4), y) || !parse_u64(s.substr(5, 2), mo) || !parse_u64(s.substr(8, 2), d) || !parse_u64(s.substr(11, 2), h) ||
        !parse_u64(s.substr(14, 2), mi) || !parse_u64(s.substr(17, 2), se))
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59) return false;
    out = (days_from_civil(static_cast<i64>(y), static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + static_cast<i64>(h * 3600 + mi * 60 + se)) * kSec;
    return true;
}

void print_truth(const Gen& g, u64 seed, u64 ratio_ppm, const std::string& start_s) {
    const Truth& t = g.truth;
    u64 pull_lines = t.lines - t.by_tag[T_CHAT];
    u64 attempts = t.by_tag[T_START], ok = t.by_tag[T_OK], failed = t.by_tag[T_FAIL];
    TimeCache a, b;
    a.set(t.t_first / kSec);
    b.set(t.t_last / kSec);
    std::string o;
    auto kv = [&](sv k, u64 v) { o += "truth "; o += k; o += '='; put_u(o, v); o += '\n'; };
    o += "# pullscan-genjournal truth summary (lines prefixed 'truth ' are key=value)\n";
    o += "truth seed="; put_u(o, seed); o += " nodes="; put_u(o, g.nodes.size()); o += " pull_ratio_ppm="; put_u(o, ratio_ppm);
    o += " start="; o += start_s; o += "Z first="; o += a.iso; o += "Z last="; o += b.iso; o += "Z\n";
    kv("bytes", t.bytes);
    kv("lines", t.lines);
    kv("lines.chatter", t.by_tag[T_CHAT]);
    kv("lines.pull", pull_lines);
    o += "truth lines.pull_per_mille="; put_u(o, t.lines ? pull_lines * 1000 / t.lines : 0); o += '\n';
    kv("lines.pull.containerd", t.by_tag[T_CTRD] + t.by_tag[T_START] + t.by_tag[T_OK] + t.by_tag[T_FAIL]);
    kv("lines.pull.kubelet", t.by_tag[T_K_REMOTE] + t.by_tag[T_K_STARTFAIL] + t.by_tag[T_K_ERRIMAGEPULL] + t.by_tag[T_K_BACKOFF] + t.by_tag[T_K_LATENCY]);
    kv("attempts", attempts);
    kv("attempts.succeeded", ok);
    kv("attempts.failed", failed);
    kv("attempts.incomplete", attempts - ok - failed);
    for (std::size_t c = 1; c < C_COUNT; ++c) { o += "truth failed."; o += kClsName[c]; o += '='; put_u(o, t.failed_by_cls[c]); o += '\n'; }
    kv("pods.failing", t.pods_failing);
    kv("pods.recovered", t.pods_recovered);
    for (std::size_t c = 1; c < C_COUNT; ++c) if (t.recovered_by_cls[c]) { o += "truth recovered."; o += kClsName[c]; o += '='; put_u(o, t.recovered_by_cls[c]); o += '\n'; }
    kv("kubelet.pullimage_failed", t.by_tag[T_K_REMOTE]);           // "PullImage from image service failed"
    kv("kubelet.start_failed", t.by_tag[T_K_STARTFAIL]);            // "start failed in pod" / "Unhandled Error"
    kv("kubelet.errimagepull", t.by_tag[T_K_ERRIMAGEPULL]);         // "Error syncing pod" ... ErrImagePull
    kv("kubelet.imagepullbackoff", t.by_tag[T_K_BACKOFF]);          // "Error syncing pod" ... ImagePullBackOff
    kv("kubelet.startup_latency_pulled", t.by_tag[T_K_LATENCY]);
    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
        const Node& n = g.nodes[i];
        o += "truth node."; o += n.name; o += " containerd="; o += ctrd_version(n.ctrd); o += n.debug ? "(debug)" : "(info)";
        o += " kubelet="; o += kube_version(n.kube); o += n.mirror ? " mirror=mirror.internal:5000" : "";
        o += " attempts="; put_u(o, t.per_node[i][0]); o += " succeeded="; put_u(o, t.per_node[i][1]); o += " failed="; put_u(o, t.per_node[i][2]); o += '\n';
    }
    std::fputs(o.c_str(), stderr);
}

}  // namespace

int main(int argc, char** argv) {
    u64 size = 0, seed = 42, ratio_ppm = 30'000, n_nodes = 3, first_node = 1;
    std::string start_s = "2026-03-17T08:00:00";
    bool have_size = false, incident = false, have_nodes = false, have_ratio = false;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        std::string val;
        auto eq = a.find('=');
        if (a.rfind("--", 0) == 0 && eq != std::string::npos) { val = a.substr(eq + 1); a = a.substr(0, eq); }
        else if (a == "-h" || a == "--help") usage(0);
        else if (i + 1 < argc) val = argv[++i];
        else { std::fprintf(stderr, "pullscan-genjournal: missing value for %s\n", a.c_str()); usage(2); }
        if (a == "--size") { if (!parse_size(val, size) || size == 0) { std::fprintf(stderr, "pullscan-genjournal: bad --size '%s'\n", val.c_str()); usage(2); } have_size = true; }
        else if (a == "--first-node") { if (!parse_u64(val, first_node) || first_node < 1 || first_node > 100000) { std::fprintf(stderr, "pullscan-genjournal: bad --first-node '%s'\n", val.c_str()); usage(2); } }
        else if (a == "--profile") { if (val == "incident") incident = true; else if (val != "calm") { std::fprintf(stderr, "pullscan-genjournal: bad --profile '%s' (calm, incident)\n", val.c_str()); usage(2); } }
        else if (a == "--nodes") { have_nodes = true; if (!parse_u64(val, n_nodes) || n_nodes < 1 || n_nodes > 1000) { std::fprintf(stderr, "pullscan-genjournal: bad --nodes '%s' (1..1000)\n", val.c_str()); usage(2); } }
        else if (a == "--seed") { if (!parse_u64(val, seed)) { std::fprintf(stderr, "pullscan-genjournal: bad --seed '%s'\n", val.c_str()); usage(2); } }
        else if (a == "--pull-ratio") { have_ratio = true; if (!parse_ratio(val, ratio_ppm)) { std::fprintf(stderr, "pullscan-genjournal: bad --pull-ratio '%s' (0..0.5)\n", val.c_str()); usage(2); } }
        else if (a == "--start") {
            i64 dummy;
            if (!parse_start(val, dummy)) { std::fprintf(stderr, "pullscan-genjournal: bad --start '%s' (YYYY-MM-DDTHH:MM:SS, UTC)\n", val.c_str()); usage(2); }
            start_s = val;
            if (!start_s.empty() && (start_s.back() == 'Z' || start_s.back() == 'z')) start_s.pop_back();
            start_s[10] = 'T';
        } else { std::fprintf(stderr, "pullscan-genjournal: unknown option %s\n", a.c_str()); usage(2); }
    }
    if (!have_size) usage(2);
    if (incident && !have_nodes) n_nodes = 12;
    if (incident && !have_ratio) ratio_ppm = 80'000;
    i64 start = 0;
    parse_start(start_s, start);

    static Gen g(seed);
    g.short_pulls = incident;
    g.setup(static_cast<int>(n_nodes), start, first_node);
    g.run(size, ratio_ppm, stdout);
    print_truth(g, seed, ratio_ppm, start_s);
    return 0;
}
