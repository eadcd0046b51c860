// Classification, beside the rules: which host the request that failed went
// to. An image names its registry, but a pull talks to more hosts than that:
// registry.k8s.io sends manifest requests to Artifact Registry and blob
// downloads to regional storage, ECR and Docker Hub hand out pre-signed
// storage URLs, a Bearer challenge sends the runtime to a token service, and
// hosts.toml adds mirrors. When the failing host is not the registry, the
// finding says so (text, JSON, SQL) and the fixes aim at that host, because a
// DNS or firewall problem with a storage host is not a typo in the image.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/record.h"

namespace pullscan {

/// The host a pull's failing request went to.
struct FailingHost {
  std::string host;                   // host[:port] as the error names it; empty when none is named
  HostRole role = HostRole::registry;
};

/// What a host of that role is to its registry, in words that fit "the
/// failing request went to HOST (WORDS REGISTRY)": "the blob storage of".
std::string_view role_words(HostRole r);

/// host[:port] split at the port's colon, never at an IPv6 literal's
/// (`[::1]:5000` keeps its brackets); port is empty when none is written.
struct HostPort {
  std::string_view host, port;
};
HostPort split_host_port(std::string_view hostport);

/// Whether `host` is `registry` under another of its names: the same host with
/// or without the default port, or one of Docker Hub's API names.
bool same_registry_host(std::string_view host, std::string_view registry);

/// The failing host of an attempt: the host of the innermost URL of `error`,
/// or the name a resolver failed on (`lookup_host`, may be empty) when it
/// differs; then its role from the URL's path, the error's wording, the hosts
/// the attempt tried (`tries`) and well-known storage domains. Empty host when
/// neither names one or the registry is unknown.
FailingHost failing_host(std::string_view error, std::string_view lookup_host, std::string_view registry,
                         const std::vector<HostTry>& tries);

}  // namespace pullscan
