//===- fuzz-npy.cpp - libFuzzer target: the .npy / .npz reader ------------===//
//
// Part of the Adjoint project.
//
// A .npy image goes to parseNpy on the bytes. An input that starts like a zip
// archive ("PK\3\4" or an empty archive's "PK\5\6") is written to a file and
// read with readNpzFile, which unzips (stored or deflated) and parses each
// member. Errors are expected; crashes and sanitizer reports are bugs.
//
//===----------------------------------------------------------------------===//

#include "adjoint/Support/Npy.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <string>

static const std::string &scratchPath() {
  static std::string path = [] {
    llvm::SmallString<128> p;
    int fd;
    if (llvm::sys::fs::createTemporaryFile("adjoint-fuzz-npz", "npz", fd, p))
      abort();
    llvm::sys::fs::closeFile(fd);
    return std::string(p);
  }();
  return path;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  if (bytes.starts_with("PK\3\4") || bytes.starts_with("PK\5\6")) {
    {
      std::error_code ec;
      llvm::raw_fd_ostream os(scratchPath(), ec);
      if (ec)
        abort();
      os << bytes;
    }
    auto arrays = adjoint::readNpzFile(scratchPath());
    if (!arrays)
      llvm::consumeError(arrays.takeError());
    return 0;
  }
  auto array = adjoint::parseNpy(bytes, "fuzz");
  if (!array)
    llvm::consumeError(array.takeError());
  return 0;
}
