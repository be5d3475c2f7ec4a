//===- Npy.h - NumPy .npy and .npz file support -----------------*- C++ -*-===//
//
// Part of the Adjoint project.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// Reading and writing of NumPy `.npy` array files and `.npz` archives (zip
/// files of `.npy` members, as written by `np.savez` and
/// `np.savez_compressed`). Only little-endian, C-ordered float32, float64,
/// int32, int64 and bool arrays are supported. Element values are held as
/// doubles, so int64 values beyond 2^53 lose precision.
///
/// All reading functions validate their input completely and report problems
/// as llvm::Error; they never crash, abort or print, even on malicious input.
///
//===----------------------------------------------------------------------===//

#ifndef ADJOINT_SUPPORT_NPY_H
#define ADJOINT_SUPPORT_NPY_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace adjoint {

/// The element types Adjoint can read and write.
enum class NpyDType { F32, F64, I32, I64, Bool };

/// Returns the NumPy name of \p dtype: "float32", "float64", "int32", "int64"
/// or "bool".
llvm::StringRef npyDTypeName(NpyDType dtype);

/// An in-memory NumPy array.
struct NpyArray {
  /// The element type stored in (or to be written to) the file.
  NpyDType dtype = NpyDType::F64;
  /// The dimensions; empty for a 0-d (scalar) array.
  llvm::SmallVector<int64_t> shape;
  /// The elements in row-major (C) order (a Fortran-ordered file's are
  /// reordered), converted to double. Bools are 0/1.
  std::vector<double> values;

  /// Returns the product of the dimensions (1 for a 0-d array).
  int64_t numElements() const;
};

/// Parses the contents of a `.npy` file (format versions 1.0, 2.0 and 3.0).
/// \p what names the source in error messages.
llvm::Expected<NpyArray> parseNpy(llvm::StringRef bytes, llvm::StringRef what);

/// Reads and parses the `.npy` file at \p path.
llvm::Expected<NpyArray> readNpyFile(llvm::StringRef path);

/// Reads all arrays of the `.npz` archive at \p path, in archive order, keyed
/// by member name without the ".npy" suffix. Stored and deflated members are
/// supported, including zip64 archives.
llvm::Expected<std::vector<std::pair<std::string, NpyArray>>>
readNpzFile(llvm::StringRef path);

/// Serializes \p array as a version 1.0 `.npy` file (version 2.0 only if the
/// header does not fit), with the header padded to 64 bytes like NumPy does.
/// Values are converted to the dtype (saturating for integers, NaN becomes 0;
/// nonzero becomes true for bool). Requires `values.size() == numElements()`.
std::string serializeNpy(const NpyArray &array);

/// Writes \p array to \p path as a `.npy` file. Fails if the array's values do
/// not match its shape, or on I/O errors.
llvm::Error writeNpyFile(llvm::StringRef path, const NpyArray &array);

/// Writes \p arrays to \p path as an uncompressed `.npz` archive like
/// `np.savez`, each array stored as member "<name>.npy". Archives that would
/// need zip64 (members or offsets of 4 GiB and more) are rejected.
llvm::Error
writeNpzFile(llvm::StringRef path,
             llvm::ArrayRef<std::pair<std::string, NpyArray>> arrays);

} // namespace adjoint

#endif // ADJOINT_SUPPORT_NPY_H
