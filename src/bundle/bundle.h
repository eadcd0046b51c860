// Bundle stage, between input and parsers: a support bundle (a directory,
// or an archive read as a stream through libarchive, archives inside it
// included) becomes a list of member inputs, each scanned by the parsers like
// a file of its own. What a member is (a node's kubelet log, a namespace's
// events, a file to skip) comes from its path, by the layouts of the common
// collectors (layout.cpp); nothing is ever extracted to disk.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/diag.h"
#include "core/record.h"
#include "parsers/parser.h"

namespace pullscan {

/// Limits that keep a hostile or huge bundle from taking the machine.
struct BundleOptions {
  uint64_t max_bytes = 64ull << 30;   // member bytes read, after decompression (--max-bytes)
  uint64_t max_members = 200000;      // files and archive entries looked at
  int max_depth = 4;                  // levels of archives, the bundle itself the first (a compressed single file is not one)
  size_t chunk_bytes = 16u << 20;     // a large member is scanned in pieces of this size, in parallel
  std::ostream* progress = nullptr;   // where the progress line goes (a terminal), or none
};

/// What a path on the command line is.
enum class ContainerKind { plain, directory, archive, compressed };

/// Looks at a path: a directory, an archive (tar in any compression, zip), a
/// single file compressed other than with gzip (.xz, .zst, .bz2), or plain
/// (including .gz of a single log, which the input stage reads itself).
ContainerKind container_kind(const std::string& path);

/// How a member path is to be read, from the collector layouts.
struct MemberPlan {
  std::string skip_reason;  // non-empty: do not read
  std::string node;         // node the path names
  std::string read_as;      // "kubelet log", "containerd log", "journal", "events", "pods", "container log"
  std::string layout;       // the collector the path belongs to, if it tells
};

/// Plans a member from its logical path: the bundle's own name and every
/// directory and archive it sits in, archive extensions removed
/// ("support-bundle-2024-01-02T03_04_05/host-collectors/journald/node-a/kubelet.txt").
MemberPlan plan_member(std::string_view logical_path);

/// How a planned member is read: the node's own logs and the Kubernetes
/// objects as any input is; a pod's log, a command's output or a file the
/// layout does not know as a program's log, where only pull statements count.
InputRole role_of(const MemberPlan& plan);

/// When a bundle was collected, from a date in its name or top folder
/// (support-bundle-2024-01-02T03_04_05, sosreport-host-2024-01-02-abc,
/// eks_i-0abc_2024-01-02_0304-UTC_0.7.6): UTC ns, or nullopt.
std::optional<int64_t> collected_time_from_name(std::string_view name);

/// Reads every member of a bundle, appending one InputInfo, InputClock and
/// its events per member. Skipped members are listed (status skipped,
/// skip_reason set) up to a few per reason, the rest counted in the last
/// one's more_skipped; a member that could not be read says why (status
/// unreadable, problem). A bundle that yields no member at all gets one
/// unreadable record of its own. True if any member was read. Never throws.
bool scan_bundle(const std::string& path, ContainerKind kind, const ScanOptions& opt, const BundleOptions& bopt,
                 Diagnostics& diag, std::vector<InputInfo>& inputs, std::vector<InputClock>& clocks,
                 std::vector<Event>& events);

}  // namespace pullscan
