// Every time window that joins lines into attempts, and those that decide
// when an attempt may leave memory, in one place. Correlation (which lines
// are one pull), classification (which failure a back-off inherits) and the
// streaming analysis (when an attempt can no longer change) must agree on
// them: an attempt that left memory while a later line could still have
// joined it would split one pull in two. The static_asserts below state
// those agreements, so changing one window without the others fails to
// build instead of changing reports on long inputs only.
#pragma once

#include <cstdint>

namespace pullscan::windows {

constexpr int64_t kSecondNs = 1000000000LL;
constexpr int64_t kMinuteNs = 60 * kSecondNs;
constexpr int64_t kHourNs = 60 * kMinuteNs;

/// kubelet's Pulling vs containerd's PullImage of the same pull.
constexpr int64_t kStartWindowNs = 15 * kSecondNs;
/// containerd's failure vs kubelet's reports of it.
constexpr int64_t kEndWindowNs = 60 * kSecondNs;
/// An attempt that no view has ended yet takes outcomes this many end
/// windows away.
constexpr int64_t kOpenEndFactor = 10;
constexpr int64_t kOpenEndWindowNs = kOpenEndFactor * kEndWindowNs;
/// How long a pull may run, and still be joined by its end: far beyond the
/// join windows, for images of many gigabytes.
constexpr int64_t kLongPullNs = 2 * kHourNs;
/// How long a pull may wait in kubelet's queue and still be joined.
constexpr int64_t kLongQueueNs = kHourNs;
/// Kubernetes event times are truncated to the second.
constexpr int64_t kClockGrainNs = kSecondNs;
/// kubelet's image pull back-off never waits longer than this.
constexpr int64_t kBackoffCapNs = 5 * kMinuteNs;
/// A back-off takes its cause from a failure at most this long before it.
constexpr int64_t kCauseMemoryNs = 6 * kHourNs;

/// An attempt leaves memory once its node's newest line is this far past
/// its last line.
constexpr int64_t kHorizonNs = 15 * kMinuteNs;
/// A pull with no outcome yet stays this much longer.
constexpr int64_t kOpenPullNs = 2 * kHourNs;

static_assert(kStartWindowNs <= kEndWindowNs, "a start is joined more tightly than an end");
static_assert(kHorizonNs > kOpenEndWindowNs, "an attempt leaves only after every outcome window closed");
static_assert(kHorizonNs > kBackoffCapNs, "an attempt leaves only after kubelet's next retry could have come");
static_assert(kOpenPullNs >= kLongPullNs, "an open pull stays as long as its end may still join it");
static_assert(kOpenPullNs >= kLongQueueNs, "an open pull stays as long as kubelet may still queue it");
static_assert(kCauseMemoryNs > kHorizonNs + kBackoffCapNs, "a back-off finds the cause of an attempt that left");

}  // namespace pullscan::windows
