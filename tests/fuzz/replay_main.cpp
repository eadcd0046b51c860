// Replay driver for the fuzz targets when libFuzzer is not linked (gcc, CI):
// feeds every file under the given directories to the target, then cut-off
// prefixes and byte-flipped copies of each (fixed seed), so the plain test
// run covers truncated and corrupted variants of every sample too.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    std::error_code ec;
    if (fs::is_regular_file(argv[i], ec)) files.emplace_back(argv[i]);
    else if (fs::is_directory(argv[i], ec))
      for (const auto& e : fs::recursive_directory_iterator(argv[i], ec))
        if (e.is_regular_file()) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  uint64_t state = 0x9E3779B97F4A7C15ULL;
  auto next = [&]() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  size_t runs = 0;
  for (const fs::path& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string data = ss.str();
    if (data.size() > 256 * 1024) data.resize(256 * 1024);
    auto feed = [&](const std::string& d) {
      LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(d.data()), d.size());
      ++runs;
    };
    feed(data);
    for (int cut = 1; cut <= 3 && !data.empty(); ++cut) feed(data.substr(0, data.size() * static_cast<size_t>(cut) / 4));
    std::string flipped = data;
    for (size_t k = 0; k < 16 && !flipped.empty(); ++k) flipped[next() % flipped.size()] = static_cast<char>(next());
    feed(flipped);
  }
  std::printf("replayed %zu inputs from %zu files\n", runs, files.size());
  return files.empty() ? 1 : 0;  // no input at all means a misconfigured test
}
