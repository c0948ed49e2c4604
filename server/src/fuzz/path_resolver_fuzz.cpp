// libFuzzer target: arbitrary bytes as a request target's path, decoded as the server decodes it,
// then resolved under a web root that has a secret file and symlinks out beside it. Must never
// crash, and a resolved file must be a regular file under the root — never the secret.

#include "http/message.hpp"
#include "http/static_files.hpp"

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

namespace fs = std::filesystem;

struct Tree {
    fs::path root;
    fs::path secret;
    Tree() {
        const fs::path dir =
            fs::temp_directory_path() / ("guanxi_fuzz_web_" + std::to_string(getpid()));
        fs::create_directories(dir / "web" / "assets");
        std::ofstream(dir / "web" / "index.html") << "index";
        std::ofstream(dir / "web" / "assets" / "a.js") << "js";
        std::ofstream(dir / "secret.txt") << "secret";
        std::error_code ignored;
        fs::create_symlink("../secret.txt", dir / "web" / "out", ignored);
        fs::create_symlink("..", dir / "web" / "up", ignored);
        fs::create_symlink("assets/a.js", dir / "web" / "in", ignored);
        root = fs::canonical(dir / "web");
        secret = fs::canonical(dir / "secret.txt");
    }
};

void Check(const Tree& tree, std::string_view path) {
    const auto resolved = guanxi::http::ResolveStaticPath(tree.root, path);
    if (resolved.kind != guanxi::http::StaticPath::kFile) return;
    const std::string file = resolved.file.string();
    if (file.rfind(tree.root.string() + "/", 0) != 0) std::abort();
    if (resolved.file == tree.secret || !fs::is_regular_file(resolved.file)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const Tree tree;
    const std::string raw(reinterpret_cast<const char*>(data), size);
    Check(tree, raw);  // as a decoded path
    guanxi::http::Request request;
    if (request.SetTarget("/" + raw)) Check(tree, request.path);  // as a raw target
    return 0;
}
