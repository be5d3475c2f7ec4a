//===- Npy.cpp - NumPy .npy and .npz file support -------------------------===//
//
// Part of the Adjoint project.
//
//===----------------------------------------------------------------------===//
//
// Implements the .npy format of numpy/lib/format.py and the subset of PKWARE's
// zip format (APPNOTE.TXT) that np.savez and np.savez_compressed produce.
// Every offset and size read from a file is bounds-checked before use.
//
//===----------------------------------------------------------------------===//

#include "adjoint/Support/Npy.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/Twine.h"
#include "llvm/ADT/bit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <zlib.h>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

using namespace adjoint;
using llvm::Error;
using llvm::Expected;
using llvm::StringRef;
using llvm::Twine;

static const char kMagic[] = "\x93NUMPY";
static const char kSupported[] = "Adjoint reads little-endian float32, "
                                 "float64, int32, int64 and bool arrays";

// Zip record signatures.
static constexpr uint32_t kLocalSig = 0x04034b50, kCentralSig = 0x02014b50,
                          kEndSig = 0x06054b50, kZip64EndSig = 0x06064b50,
                          kZip64LocatorSig = 0x07064b50;

namespace {
struct DTypeInfo {
  NpyDType dtype;
  const char *descr;
  const char *name;
  unsigned size;
};
} // namespace

/// Indexed by NpyDType.
static constexpr DTypeInfo kDTypes[] = {{NpyDType::F32, "<f4", "float32", 4},
                                        {NpyDType::F64, "<f8", "float64", 8},
                                        {NpyDType::I32, "<i4", "int32", 4},
                                        {NpyDType::I64, "<i8", "int64", 8},
                                        {NpyDType::Bool, "|b1", "bool", 1}};

static const DTypeInfo &getInfo(NpyDType dtype) {
  return kDTypes[static_cast<unsigned>(dtype)];
}

static Error makeError(const Twine &msg) {
  return llvm::createStringError(msg);
}

/// Reads a little-endian unsigned integer of \p width bytes at \p p.
static uint64_t readLE(const char *p, unsigned width) {
  uint64_t value = 0;
  for (unsigned i = 0; i < width; ++i)
    value |= uint64_t(static_cast<uint8_t>(p[i])) << (8 * i);
  return value;
}

static void appendLE(std::string &out, uint64_t value, unsigned width) {
  for (unsigned i = 0; i < width; ++i)
    out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

/// Converts \p v to an integer like NumPy's astype (truncation), but
/// saturating out-of-range values and mapping NaN to 0 instead of invoking UB.
template <typename T> static T toInt(double v) {
  using Limits = std::numeric_limits<T>;
  if (std::isnan(v))
    return 0;
  if (v <= static_cast<double>(Limits::min()))
    return Limits::min();
  if (v >= static_cast<double>(Limits::max()))
    return Limits::max();
  return static_cast<T>(v);
}

static uint32_t crc32Of(StringRef data) {
  uLong crc = crc32(0L, Z_NULL, 0);
  while (!data.empty()) {
    size_t n = std::min<size_t>(data.size(), 1u << 30);
    crc = crc32(crc, reinterpret_cast<const Bytef *>(data.data()), n);
    data = data.drop_front(n);
  }
  return static_cast<uint32_t>(crc);
}

namespace {
/// Parses the Python dict literal of a .npy header, e.g.
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`.
class HeaderParser {
public:
  HeaderParser(StringRef text, StringRef what) : rest(text), what(what) {}

  Error parse(std::string &descr, bool &fortranOrder,
              llvm::SmallVectorImpl<int64_t> &shape) {
    if (!consume('{'))
      return error("expected '{'");
    bool haveDescr = false, haveOrder = false, haveShape = false;
    while (!consume('}')) {
      Expected<std::string> key = parseString();
      if (!key)
        return key.takeError();
      if (!consume(':'))
        return error("expected ':' after '" + *key + "'");
      if (*key == "descr" && !haveDescr) {
        skipSpace();
        if (!rest.starts_with('\'') && !rest.starts_with('"'))
          return makeError(what + ": unsupported structured dtype (" +
                           kSupported + ")");
        Expected<std::string> value = parseString();
        if (!value)
          return value.takeError();
        descr = std::move(*value);
        haveDescr = true;
      } else if (*key == "fortran_order" && !haveOrder) {
        skipSpace();
        if (rest.consume_front("True"))
          fortranOrder = true;
        else if (rest.consume_front("False"))
          fortranOrder = false;
        else
          return error("'fortran_order' must be True or False");
        haveOrder = true;
      } else if (*key == "shape" && !haveShape) {
        if (Error err = parseShape(shape))
          return err;
        haveShape = true;
      } else {
        return error("unexpected or duplicate key '" + *key + "'");
      }
      if (!consume(',')) {
        if (!consume('}'))
          return error("expected ',' or '}'");
        break;
      }
    }
    skipSpace();
    if (!rest.empty())
      return error("unexpected characters after '}'");
    if (!haveDescr || !haveOrder || !haveShape)
      return error("'descr', 'fortran_order' and 'shape' are required");
    return Error::success();
  }

private:
  void skipSpace() { rest = rest.ltrim(" \t\r\n"); }

  bool consume(char c) {
    skipSpace();
    return rest.consume_front(StringRef(&c, 1));
  }

  Error error(const Twine &msg) {
    return makeError(what + ": malformed .npy header: " + msg);
  }

  Expected<std::string> parseString() {
    skipSpace();
    if (rest.empty() || (rest.front() != '\'' && rest.front() != '"'))
      return error("expected a string");
    size_t end = rest.find(rest.front(), 1);
    if (end == StringRef::npos)
      return error("unterminated string");
    std::string value = rest.slice(1, end).str();
    rest = rest.drop_front(end + 1);
    return value;
  }

  Error parseShape(llvm::SmallVectorImpl<int64_t> &shape) {
    if (!consume('('))
      return error("'shape' must be a tuple");
    while (!consume(')')) {
      if (rest.starts_with('-'))
        return makeError(what + ": negative dimension in shape");
      if (rest.empty() || !llvm::isDigit(rest.front()))
        return error("expected a dimension");
      int64_t dim = 0;
      while (!rest.empty() && llvm::isDigit(rest.front())) {
        int digit = rest.front() - '0';
        if (dim > (std::numeric_limits<int64_t>::max() - digit) / 10)
          return makeError(what + ": dimension too large in shape");
        dim = dim * 10 + digit;
        rest = rest.drop_front();
      }
      shape.push_back(dim);
      if (!consume(',')) {
        if (!consume(')'))
          return error("expected ',' or ')' in shape");
        break;
      }
    }
    return Error::success();
  }

  StringRef rest, what;
};
} // namespace

static Expected<std::unique_ptr<llvm::MemoryBuffer>> readFile(StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return makeError("cannot read '" + path +
                     "': " + buffer.getError().message());
  return std::move(*buffer);
}

static Error writeFile(StringRef path, StringRef contents) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return makeError("cannot open '" + path + "' for writing: " + ec.message());
  os << contents;
  os.close();
  if (os.has_error()) {
    ec = os.error();
    os.clear_error();
    return makeError("cannot write '" + path + "': " + ec.message());
  }
  return Error::success();
}

/// Checks that \p array can be serialized: its values match its shape.
static Error checkWritable(const NpyArray &array, const Twine &what) {
  int64_t count = 1;
  for (int64_t dim : array.shape)
    if (dim < 0 || llvm::MulOverflow(count, dim, count))
      return makeError(what + ": invalid shape");
  if (static_cast<uint64_t>(count) != array.values.size())
    return makeError(what + ": shape has " + Twine(count) +
                     " elements but there are " + Twine(array.values.size()) +
                     " values");
  return Error::success();
}

/// Inflates the raw deflate stream \p in, which must produce exactly
/// \p size bytes.
static Expected<std::string> inflateRaw(StringRef in, uint64_t size,
                                        const Twine &what) {
  // Deflate cannot compress better than 1032:1; refuse to allocate more.
  if (size > in.size() * 1032 + 1024)
    return makeError(what + ": implausible uncompressed size");
  std::string out(size + 1, '\0'); // One spare byte detects overlong output.
  z_stream stream = {};
  if (inflateInit2(&stream, -MAX_WBITS) != Z_OK)
    return makeError(what + ": cannot initialize zlib");
  auto cleanup = llvm::make_scope_exit([&] { inflateEnd(&stream); });
  auto *inBase = reinterpret_cast<const Bytef *>(in.data());
  auto *outBase = reinterpret_cast<Bytef *>(out.data());
  stream.next_in = const_cast<Bytef *>(inBase);
  stream.next_out = outBase;
  for (;;) {
    size_t inLeft = in.size() - (stream.next_in - inBase);
    size_t outLeft = out.size() - (stream.next_out - outBase);
    stream.avail_in = std::min<size_t>(inLeft, 1u << 30);
    stream.avail_out = std::min<size_t>(outLeft, 1u << 30);
    int rc = inflate(&stream, Z_NO_FLUSH);
    if (rc == Z_STREAM_END)
      break;
    if (rc != Z_OK)
      return makeError(what + ": corrupt deflate data (" +
                       (stream.msg ? stream.msg : "truncated") + ")");
  }
  if (static_cast<uint64_t>(stream.next_out - outBase) != size)
    return makeError(what + ": uncompressed size mismatch");
  out.resize(size);
  return out;
}

/// Replaces the 0xFFFFFFFF-marked sizes/offset of a zip header with the
/// values of its zip64 extended information extra field.
static Error applyZip64Extra(StringRef extra, uint64_t &usize, uint64_t &csize,
                             uint64_t &offset, const Twine &what) {
  while (extra.size() >= 4) {
    uint64_t id = readLE(extra.data(), 2), len = readLE(extra.data() + 2, 2);
    if (len > extra.size() - 4)
      return makeError(what + ": corrupt extra field");
    StringRef data = extra.substr(4, len);
    extra = extra.drop_front(4 + len);
    if (id != 1)
      continue;
    for (uint64_t *field : {&usize, &csize, &offset}) {
      if (*field != 0xFFFFFFFF)
        continue;
      if (data.size() < 8)
        return makeError(what + ": corrupt zip64 extra field");
      *field = readLE(data.data(), 8);
      data = data.drop_front(8);
    }
  }
  return Error::success();
}

StringRef adjoint::npyDTypeName(NpyDType dtype) { return getInfo(dtype).name; }

int64_t NpyArray::numElements() const {
  int64_t count = 1;
  for (int64_t dim : shape)
    count *= dim;
  return count;
}

Expected<NpyArray> adjoint::parseNpy(StringRef bytes, StringRef what) {
  if (!bytes.starts_with(StringRef(kMagic, 6)))
    return makeError(what + ": not a .npy file (bad magic string)");
  if (bytes.size() < 10)
    return makeError(what + ": truncated .npy header");
  unsigned major = static_cast<uint8_t>(bytes[6]);
  unsigned minor = static_cast<uint8_t>(bytes[7]);
  if (major < 1 || major > 3 || minor != 0)
    return makeError(what + ": unsupported .npy format version " +
                     Twine(major) + "." + Twine(minor));
  unsigned lenWidth = major == 1 ? 2 : 4;
  size_t headerStart = 8 + lenWidth;
  if (bytes.size() < headerStart)
    return makeError(what + ": truncated .npy header");
  uint64_t headerLen = readLE(bytes.data() + 8, lenWidth);
  if (headerLen > bytes.size() - headerStart)
    return makeError(what + ": truncated .npy header");

  NpyArray array;
  std::string descr;
  bool fortranOrder = false;
  HeaderParser parser(bytes.substr(headerStart, headerLen), what);
  if (Error err = parser.parse(descr, fortranOrder, array.shape))
    return err;
  const DTypeInfo *info = llvm::find_if(
      kDTypes, [&](const DTypeInfo &i) { return descr == i.descr; });
  if (info == std::end(kDTypes))
    return makeError(what + ": unsupported dtype '" + descr + "' (" +
                     kSupported + ")");
  array.dtype = info->dtype;

  int64_t count = 1, numBytes;
  for (int64_t dim : array.shape)
    if (llvm::MulOverflow(count, dim, count))
      return makeError(what + ": too many elements in shape");
  if (llvm::MulOverflow(count, static_cast<int64_t>(info->size), numBytes))
    return makeError(what + ": too many elements in shape");
  StringRef data = bytes.drop_front(headerStart + headerLen);
  if (static_cast<uint64_t>(numBytes) != data.size())
    return makeError(what + ": expected " + Twine(numBytes) +
                     " bytes of array data, found " + Twine(data.size()));

  array.values.reserve(count);
  for (const char *p = data.begin(); p != data.end(); p += info->size) {
    switch (array.dtype) {
    case NpyDType::F32:
      array.values.push_back(llvm::bit_cast<float>(uint32_t(readLE(p, 4))));
      break;
    case NpyDType::F64:
      array.values.push_back(llvm::bit_cast<double>(readLE(p, 8)));
      break;
    case NpyDType::I32:
      array.values.push_back(llvm::bit_cast<int32_t>(uint32_t(readLE(p, 4))));
      break;
    case NpyDType::I64:
      array.values.push_back(llvm::bit_cast<int64_t>(readLE(p, 8)));
      break;
    case NpyDType::Bool:
      array.values.push_back(*p != 0 ? 1.0 : 0.0);
      break;
    }
  }
  // A Fortran-ordered array (np.asfortranarray, a transpose that NumPy
  // saved as is) lists its elements first index fastest: put each at its
  // row-major place.
  if (fortranOrder && array.shape.size() > 1) {
    std::vector<double> rowMajor(array.values.size());
    llvm::SmallVector<int64_t> index(array.shape.size(), 0);
    for (double value : array.values) {
      int64_t at = 0;
      for (auto [i, dim] : llvm::zip(index, array.shape))
        at = at * dim + i;
      rowMajor[at] = value;
      for (size_t k = 0; k < index.size() && ++index[k] == array.shape[k]; ++k)
        index[k] = 0;
    }
    array.values = std::move(rowMajor);
  }
  return array;
}

Expected<NpyArray> adjoint::readNpyFile(StringRef path) {
  Expected<std::unique_ptr<llvm::MemoryBuffer>> buffer = readFile(path);
  if (!buffer)
    return buffer.takeError();
  return parseNpy((*buffer)->getBuffer(), path);
}

Expected<std::vector<std::pair<std::string, NpyArray>>>
adjoint::readNpzFile(StringRef path) {
  Expected<std::unique_ptr<llvm::MemoryBuffer>> buffer = readFile(path);
  if (!buffer)
    return buffer.takeError();
  StringRef zip = (*buffer)->getBuffer();
  auto fail = [&](const Twine &msg) { return makeError(path + ": " + msg); };
  // One array (np.save) where an archive of named ones (np.savez) belongs.
  if (zip.starts_with("\x93NUMPY"))
    return fail("a single .npy array, not an .npz archive: save the inputs "
                "by argument name with np.savez(\"in.npz\", W1=..., x=...)");

  // Find the end of central directory record, which may be followed by a
  // comment of up to 64 KiB.
  if (zip.size() < 22)
    return fail("not a zip archive");
  size_t end = StringRef::npos;
  size_t lowest = zip.size() - 22 - std::min<size_t>(zip.size() - 22, 0xFFFF);
  for (size_t pos = zip.size() - 22 + 1; pos-- > lowest;) {
    const char *p = zip.data() + pos;
    if (readLE(p, 4) == kEndSig && readLE(p + 20, 2) <= zip.size() - pos - 22) {
      end = pos;
      break;
    }
  }
  if (end == StringRef::npos)
    return fail("not a zip archive (no end of central directory record)");
  const char *e = zip.data() + end;
  uint64_t disk = readLE(e + 4, 2), cdDisk = readLE(e + 6, 2),
           entries = readLE(e + 10, 2), cdSize = readLE(e + 12, 4),
           cdOffset = readLE(e + 16, 4);
  // A zip64 end of central directory locator, if any, precedes the record.
  if (end >= 20 && readLE(e - 20, 4) == kZip64LocatorSig) {
    uint64_t offset = readLE(e - 20 + 8, 8);
    if (offset > zip.size() || zip.size() - offset < 56 ||
        readLE(zip.data() + offset, 4) != kZip64EndSig)
      return fail("corrupt zip64 end of central directory record");
    const char *z = zip.data() + offset;
    disk = readLE(z + 16, 4);
    cdDisk = readLE(z + 20, 4);
    entries = readLE(z + 32, 8);
    cdSize = readLE(z + 40, 8);
    cdOffset = readLE(z + 48, 8);
  }
  if (disk != 0 || cdDisk != 0)
    return fail("multi-disk zip archives are not supported");
  if (cdOffset > zip.size() || cdSize > zip.size() - cdOffset)
    return fail("central directory out of bounds");
  StringRef cd = zip.substr(cdOffset, cdSize);

  std::vector<std::pair<std::string, NpyArray>> result;
  llvm::StringSet<> seen;
  for (uint64_t i = 0; i < entries; ++i) {
    if (cd.size() < 46 || readLE(cd.data(), 4) != kCentralSig)
      return fail("corrupt central directory entry " + Twine(i));
    const char *h = cd.data();
    uint64_t flags = readLE(h + 8, 2), method = readLE(h + 10, 2),
             crc = readLE(h + 16, 4), csize = readLE(h + 20, 4),
             usize = readLE(h + 24, 4), nameLen = readLE(h + 28, 2),
             extraLen = readLE(h + 30, 2), commentLen = readLE(h + 32, 2),
             localOffset = readLE(h + 42, 4);
    if (cd.size() - 46 < nameLen + extraLen + commentLen)
      return fail("corrupt central directory entry " + Twine(i));
    StringRef name = cd.substr(46, nameLen);
    StringRef extra = cd.substr(46 + nameLen, extraLen);
    cd = cd.drop_front(46 + nameLen + extraLen + commentLen);
    std::string what = (path + ": member '" + name + "'").str();
    if (Error err = applyZip64Extra(extra, usize, csize, localOffset, what))
      return err;
    if (flags & 1)
      return makeError(what + ": encrypted members are not supported");

    // The local header only tells where the data starts; the central
    // directory's sizes and CRC are authoritative (the local ones may be
    // deferred to a data descriptor).
    if (localOffset > zip.size() || zip.size() - localOffset < 30 ||
        readLE(zip.data() + localOffset, 4) != kLocalSig)
      return makeError(what + ": corrupt local file header");
    const char *l = zip.data() + localOffset;
    uint64_t localNameLen = readLE(l + 26, 2);
    uint64_t dataStart = localOffset + 30 + localNameLen + readLE(l + 28, 2);
    if (dataStart > zip.size() || csize > zip.size() - dataStart ||
        zip.substr(localOffset + 30, localNameLen) != name)
      return makeError(what + ": corrupt local file header");
    StringRef raw = zip.substr(dataStart, csize);

    std::string inflated;
    StringRef contents = raw;
    if (method == 8) {
      Expected<std::string> out = inflateRaw(raw, usize, what);
      if (!out)
        return out.takeError();
      inflated = std::move(*out);
      contents = inflated;
    } else if (method != 0) {
      return makeError(what + ": unsupported compression method " +
                       Twine(method));
    } else if (csize != usize) {
      return makeError(what + ": size mismatch in stored member");
    }
    if (crc32Of(contents) != crc)
      return makeError(what + ": CRC-32 mismatch");

    Expected<NpyArray> array = parseNpy(contents, what);
    if (!array)
      return array.takeError();
    StringRef key = name;
    key.consume_back(".npy");
    if (!seen.insert(key).second)
      return makeError(what + ": duplicate array name");
    result.emplace_back(key.str(), std::move(*array));
  }
  return result;
}

std::string adjoint::serializeNpy(const NpyArray &array) {
  assert(static_cast<uint64_t>(array.numElements()) == array.values.size() &&
         "values do not match shape");
  const DTypeInfo &info = getInfo(array.dtype);
  std::string dict = std::string("{'descr': '") + info.descr +
                     "', 'fortran_order': False, 'shape': (";
  for (size_t i = 0; i < array.shape.size(); ++i)
    dict += (i ? ", " : "") + std::to_string(array.shape[i]);
  dict += array.shape.size() == 1 ? ",), }" : "), }";

  // Pad with spaces and a final newline so the data is 64-byte aligned.
  // Version 2.0 (4-byte header length) is only used if 1.0's 2 bytes are
  // not enough.
  auto padding = [&](unsigned lenWidth) {
    return (64 - (8 + lenWidth + dict.size() + 1) % 64) % 64;
  };
  unsigned lenWidth = dict.size() + padding(2) + 1 > 0xFFFF ? 4 : 2;
  dict.append(padding(lenWidth), ' ');
  dict.push_back('\n');

  std::string out(kMagic, 6);
  out.push_back(lenWidth == 2 ? 1 : 2);
  out.push_back(0);
  appendLE(out, dict.size(), lenWidth);
  out += dict;
  out.reserve(out.size() + array.values.size() * info.size);
  for (double v : array.values) {
    switch (array.dtype) {
    case NpyDType::F32:
      appendLE(out, llvm::bit_cast<uint32_t>(static_cast<float>(v)), 4);
      break;
    case NpyDType::F64:
      appendLE(out, llvm::bit_cast<uint64_t>(v), 8);
      break;
    case NpyDType::I32:
      appendLE(out, llvm::bit_cast<uint32_t>(toInt<int32_t>(v)), 4);
      break;
    case NpyDType::I64:
      appendLE(out, llvm::bit_cast<uint64_t>(toInt<int64_t>(v)), 8);
      break;
    case NpyDType::Bool:
      out.push_back(v != 0 ? 1 : 0);
      break;
    }
  }
  return out;
}

Error adjoint::writeNpyFile(StringRef path, const NpyArray &array) {
  if (Error err = checkWritable(array, path))
    return err;
  return writeFile(path, serializeNpy(array));
}

Error adjoint::writeNpzFile(
    StringRef path, llvm::ArrayRef<std::pair<std::string, NpyArray>> arrays) {
  if (arrays.size() > 0xFFFF)
    return makeError(path + ": too many arrays for a zip archive");
  std::string zip, central;
  for (const auto &[name, array] : arrays) {
    if (Error err = checkWritable(array, path + ": array '" + name + "'"))
      return err;
    std::string member = name + ".npy";
    std::string data = serializeNpy(array);
    uint64_t offset = zip.size();
    if (member.size() > 0xFFFF || data.size() >= 0xFFFFFFFF ||
        offset >= 0xFFFFFFFF)
      return makeError(path + ": array '" + name +
                       "' does not fit in a zip archive without zip64");
    bool utf8 = llvm::any_of(member, [](char c) { return c & 0x80; });
    // Fields shared by the local and the central header: version needed,
    // flags (bit 11: UTF-8 name), method (stored), time and date
    // (1980-01-01 00:00), CRC-32, sizes, name length and extra length.
    std::string common;
    appendLE(common, 20, 2);
    appendLE(common, utf8 ? 0x800 : 0, 2);
    appendLE(common, 0, 2);
    appendLE(common, 0, 2);
    appendLE(common, (0 << 9) | (1 << 5) | 1, 2);
    appendLE(common, crc32Of(data), 4);
    appendLE(common, data.size(), 4);
    appendLE(common, data.size(), 4);
    appendLE(common, member.size(), 2);
    appendLE(common, 0, 2);

    appendLE(zip, kLocalSig, 4);
    zip += common + member + data;

    appendLE(central, kCentralSig, 4);
    appendLE(central, (3 << 8) | 20, 2); // Made by: Unix, zip 2.0.
    central += common;
    appendLE(central, 0, 2);           // Comment length.
    appendLE(central, 0, 2);           // Disk number.
    appendLE(central, 0, 2);           // Internal attributes.
    appendLE(central, 0644u << 16, 4); // External attributes: rw-r--r--.
    appendLE(central, offset, 4);
    central += member;
  }
  uint64_t cdSize = central.size();
  if (zip.size() + cdSize >= 0xFFFFFFFF)
    return makeError(path + ": archive too large for zip without zip64");
  appendLE(central, kEndSig, 4);
  appendLE(central, 0, 2); // Disk number.
  appendLE(central, 0, 2); // Disk with the central directory.
  appendLE(central, arrays.size(), 2);
  appendLE(central, arrays.size(), 2);
  appendLE(central, cdSize, 4);
  appendLE(central, zip.size(), 4); // Central directory offset.
  appendLE(central, 0, 2);          // Comment length.
  zip += central;
  return writeFile(path, zip);
}
