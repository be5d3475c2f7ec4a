// RUN: adjoint-opt %s -convert-adj-to-linalg -split-input-file | FileCheck %s

// Every elementwise op is one parallel linalg.generic over its result. An
// operand is read through a projected permutation: NumPy's prepended
// dimensions are not read, and its broadcast unit dimensions are collapsed
// away first.

// CHECK-DAG:   #[[$ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG:   #[[$ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @add_broadcast(
// CHECK-SAME:      %[[X:.*]]: tensor<4x3xf32>, %[[B:.*]]: tensor<3xf32>)
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<4x3xf32>
// CHECK:         %[[R:.*]] = linalg.generic
// CHECK-SAME:        indexing_maps = [#[[$ID]], #[[$ROW]], #[[$ID]]]
// CHECK-SAME:        iterator_types = ["parallel", "parallel"]
// CHECK-SAME:        ins(%[[X]], %[[B]] : tensor<4x3xf32>, tensor<3xf32>) outs(%[[E]] : tensor<4x3xf32>)
// CHECK:         ^bb0(%[[A0:.*]]: f32, %[[A1:.*]]: f32, %{{.*}}: f32):
// CHECK:           %[[S:.*]] = arith.addf %[[A0]], %[[A1]] : f32
// CHECK:           linalg.yield %[[S]] : f32
// CHECK:         return %[[R]]
func.func @add_broadcast(%x: tensor<4x3xf32>, %b: tensor<3xf32>) -> tensor<4x3xf32> {
  %y = adj.add %x, %b : tensor<4x3xf32>, tensor<3xf32>
  return %y : tensor<4x3xf32>
}

// -----

// CHECK-DAG:   #[[$COL:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG:   #[[$ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG:   #[[$SCALAR:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-DAG:   #[[$ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @unit_dims(
// CHECK-SAME:      %[[X:.*]]: tensor<4x1xf64>, %[[B:.*]]: tensor<1x3xf64>, %[[S:.*]]: tensor<f64>)
// CHECK:         %[[XC:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1]] : tensor<4x1xf64> into tensor<4xf64>
// CHECK:         %[[BC:.*]] = tensor.collapse_shape %[[B]] {{\[\[}}0, 1]] : tensor<1x3xf64> into tensor<3xf64>
// CHECK:         %[[D:.*]] = linalg.generic {indexing_maps = [#[[$COL]], #[[$ROW]], #[[$ID]]]
// CHECK-SAME:        ins(%[[XC]], %[[BC]] : tensor<4xf64>, tensor<3xf64>)
// CHECK:           arith.subf
// CHECK:         linalg.generic {indexing_maps = [#[[$SCALAR]], #[[$ID]], #[[$ID]]]
// CHECK-SAME:        ins(%[[S]], %[[D]] : tensor<f64>, tensor<4x3xf64>)
// CHECK:           arith.mulf
func.func @unit_dims(%x: tensor<4x1xf64>, %b: tensor<1x3xf64>, %s: tensor<f64>) -> tensor<4x3xf64> {
  %d = adj.sub %x, %b : tensor<4x1xf64>, tensor<1x3xf64>
  %y = adj.mul %s, %d : tensor<f64>, tensor<4x3xf64>
  return %y : tensor<4x3xf64>
}

// -----

// The scalar body of each unary op.

// CHECK-LABEL: func.func @unary(
// CHECK:         arith.negf
// CHECK:         math.absf
// CHECK:         math.exp
// CHECK:         math.log
// CHECK:         math.log1p
// CHECK:         math.sqrt
// CHECK:         math.rsqrt
// CHECK:         math.tanh
// CHECK:         math.sin
// CHECK:         math.cos
// CHECK:         %[[SQ:.*]] = linalg.generic
// CHECK:         ^bb0(%[[IN:.*]]: f32, %{{.*}}: f32):
// CHECK:           arith.mulf %[[IN]], %[[IN]] : f32
// CHECK:         math.erf
func.func @unary(%x: tensor<5xf32>) -> tensor<5xf32> {
  %0 = adj.neg %x : tensor<5xf32>
  %1 = adj.abs %0 : tensor<5xf32>
  %2 = adj.exp %1 : tensor<5xf32>
  %3 = adj.log %2 : tensor<5xf32>
  %4 = adj.log1p %3 : tensor<5xf32>
  %5 = adj.sqrt %4 : tensor<5xf32>
  %6 = adj.rsqrt %5 : tensor<5xf32>
  %7 = adj.tanh %6 : tensor<5xf32>
  %8 = adj.sin %7 : tensor<5xf32>
  %9 = adj.cos %8 : tensor<5xf32>
  %10 = adj.square %9 : tensor<5xf32>
  %11 = adj.erf %10 : tensor<5xf32>
  return %11 : tensor<5xf32>
}

// -----

// relu keeps NaN (arith.maximumf propagates it).

// CHECK-LABEL: func.func @relu(
// CHECK:         ^bb0(%[[IN:.*]]: f64, %{{.*}}: f64):
// CHECK:           %[[ZERO:.*]] = arith.constant 0.000000e+00 : f64
// CHECK:           %[[R:.*]] = arith.maximumf %[[IN]], %[[ZERO]] : f64
// CHECK:           linalg.yield %[[R]]
func.func @relu(%x: tensor<8xf64>) -> tensor<8xf64> {
  %y = adj.relu %x : tensor<8xf64>
  return %y : tensor<8xf64>
}

// -----

// sigmoid in the form that cannot overflow: with e = exp(-|x|),
// 1 / (1 + e) for x >= 0 and e / (1 + e) otherwise.

// CHECK-LABEL: func.func @sigmoid(
// CHECK:         ^bb0(%[[IN:.*]]: f32, %{{.*}}: f32):
// CHECK-DAG:       %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG:       %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK:           %[[ABS:.*]] = math.absf %[[IN]]
// CHECK:           %[[NEG:.*]] = arith.negf %[[ABS]]
// CHECK:           %[[E:.*]] = math.exp %[[NEG]]
// CHECK:           %[[DEN:.*]] = arith.addf %[[ONE]], %[[E]]
// CHECK:           %[[POS:.*]] = arith.divf %[[ONE]], %[[DEN]]
// CHECK:           %[[NEGV:.*]] = arith.mulf %[[E]], %[[POS]]
// CHECK:           %[[GE:.*]] = arith.cmpf oge, %[[IN]], %[[ZERO]]
// CHECK:           %[[R:.*]] = arith.select %[[GE]], %[[POS]], %[[NEGV]]
// CHECK:           linalg.yield %[[R]]
func.func @sigmoid(%x: tensor<8xf32>) -> tensor<8xf32> {
  %y = adj.sigmoid %x : tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

// CHECK-LABEL: func.func @binary(
// CHECK:         arith.subf
// CHECK:         arith.mulf
// CHECK:         arith.divf
// CHECK:         math.powf
// CHECK:         arith.maximumf
// CHECK:         arith.minimumf
func.func @binary(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = adj.sub %x, %y : tensor<2x3xf32>, tensor<3xf32>
  %1 = adj.mul %0, %y : tensor<2x3xf32>, tensor<3xf32>
  %2 = adj.div %1, %y : tensor<2x3xf32>, tensor<3xf32>
  %3 = adj.pow %2, %y : tensor<2x3xf32>, tensor<3xf32>
  %4 = adj.maximum %3, %y : tensor<2x3xf32>, tensor<3xf32>
  %5 = adj.minimum %4, %y : tensor<2x3xf32>, tensor<3xf32>
  return %5 : tensor<2x3xf32>
}

// -----

// Ordered predicates, except ne, which holds on NaN as C's !=.

// CHECK-LABEL: func.func @compare(
// CHECK:         linalg.generic
// CHECK-SAME:        outs(%{{.*}} : tensor<2x3xi1>)
// CHECK:         ^bb0(%{{.*}}: f32, %{{.*}}: f32, %{{.*}}: i1):
// CHECK:           arith.cmpf oeq
// CHECK:         arith.cmpf une
// CHECK:         arith.cmpf olt
// CHECK:         arith.cmpf ole
// CHECK:         arith.cmpf ogt
// CHECK:         arith.cmpf oge
func.func @compare(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> (tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>) {
  %0 = adj.compare eq, %x, %y : tensor<2x3xf32>, tensor<3xf32>
  %1 = adj.compare ne, %x, %y : tensor<2x3xf32>, tensor<3xf32>
  %2 = adj.compare lt, %x, %y : tensor<2x3xf32>, tensor<3xf32>
  %3 = adj.compare le, %x, %y : tensor<2x3xf32>, tensor<3xf32>
  %4 = adj.compare gt, %x, %y : tensor<2x3xf32>, tensor<3xf32>
  %5 = adj.compare ge, %x, %y : tensor<2x3xf32>, tensor<3xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>
}

// -----

// select broadcasts its three operands together.

// CHECK-DAG:   #[[$COL:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG:   #[[$ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG:   #[[$SCALAR:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-DAG:   #[[$ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @select(
// CHECK-SAME:      %[[C:.*]]: tensor<4x1xi1>, %[[T:.*]]: tensor<3xf32>, %[[F:.*]]: tensor<f32>)
// CHECK:         %[[CC:.*]] = tensor.collapse_shape %[[C]]
// CHECK:         linalg.generic {indexing_maps = [#[[$COL]], #[[$ROW]], #[[$SCALAR]], #[[$ID]]]
// CHECK-SAME:        ins(%[[CC]], %[[T]], %[[F]] : tensor<4xi1>, tensor<3xf32>, tensor<f32>)
// CHECK:         ^bb0(%[[IC:.*]]: i1, %[[IT:.*]]: f32, %[[IF:.*]]: f32, %{{.*}}: f32):
// CHECK:           arith.select %[[IC]], %[[IT]], %[[IF]] : f32
func.func @select(%c: tensor<4x1xi1>, %t: tensor<3xf32>, %f: tensor<f32>) -> tensor<4x3xf32> {
  %y = adj.select %c, %t, %f : tensor<4x1xi1>, tensor<3xf32>, tensor<f32>
  return %y : tensor<4x3xf32>
}

// -----

// Float to integer truncates and saturates; NaN gives 0.

// CHECK-LABEL: func.func @float_to_int(
// CHECK:         ^bb0(%[[IN:.*]]: f32, %{{.*}}: i32):
// CHECK:           %[[T:.*]] = arith.fptosi %[[IN]] : f32 to i32
// CHECK:           %[[HI:.*]] = arith.constant 2.14748365E+9 : f32
// CHECK:           %[[OVER:.*]] = arith.cmpf oge, %[[IN]], %[[HI]]
// CHECK:           %[[MAX:.*]] = arith.constant 2147483647 : i32
// CHECK:           %[[R0:.*]] = arith.select %[[OVER]], %[[MAX]], %[[T]]
// CHECK:           %[[LO:.*]] = arith.constant -2.14748365E+9 : f32
// CHECK:           %[[UNDER:.*]] = arith.cmpf olt, %[[IN]], %[[LO]]
// CHECK:           %[[MIN:.*]] = arith.constant -2147483648 : i32
// CHECK:           %[[R1:.*]] = arith.select %[[UNDER]], %[[MIN]], %[[R0]]
// CHECK:           %[[NAN:.*]] = arith.cmpf uno, %[[IN]], %[[IN]]
// CHECK:           %[[Z:.*]] = arith.constant 0 : i32
// CHECK:           %[[R2:.*]] = arith.select %[[NAN]], %[[Z]], %[[R1]]
// CHECK:           linalg.yield %[[R2]] : i32
func.func @float_to_int(%x: tensor<4xf32>) -> tensor<4xi32> {
  %y = adj.convert %x : tensor<4xf32> -> tensor<4xi32>
  return %y : tensor<4xi32>
}

// -----

// CHECK-LABEL: func.func @conversions(
// CHECK:         arith.extf %{{.*}} : f32 to f64
// CHECK:         arith.truncf %{{.*}} : f64 to f32
// CHECK:         arith.cmpf une, %{{.*}}, %{{.*}} : f32
// CHECK:         arith.uitofp %{{.*}} : i1 to f32
// CHECK:         arith.extui %{{.*}} : i1 to i64
// CHECK:         arith.trunci %{{.*}} : i64 to i32
// CHECK:         arith.extsi %{{.*}} : i32 to i64
// CHECK:         arith.sitofp %{{.*}} : i64 to f64
// CHECK:         arith.cmpi ne, %{{.*}}, %{{.*}} : i32
func.func @conversions(%x: tensor<4xf32>, %d: tensor<4xf64>, %b: tensor<4xi1>, %i: tensor<4xi64>, %j: tensor<4xi32>)
    -> (tensor<4xf64>, tensor<4xf32>, tensor<4xi1>, tensor<4xf32>, tensor<4xi64>, tensor<4xi32>, tensor<4xi64>, tensor<4xf64>, tensor<4xi1>) {
  %0 = adj.convert %x : tensor<4xf32> -> tensor<4xf64>
  %1 = adj.convert %d : tensor<4xf64> -> tensor<4xf32>
  %2 = adj.convert %x : tensor<4xf32> -> tensor<4xi1>
  %3 = adj.convert %b : tensor<4xi1> -> tensor<4xf32>
  %4 = adj.convert %b : tensor<4xi1> -> tensor<4xi64>
  %5 = adj.convert %i : tensor<4xi64> -> tensor<4xi32>
  %6 = adj.convert %j : tensor<4xi32> -> tensor<4xi64>
  %7 = adj.convert %i : tensor<4xi64> -> tensor<4xf64>
  %8 = adj.convert %j : tensor<4xi32> -> tensor<4xi1>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8 : tensor<4xf64>, tensor<4xf32>, tensor<4xi1>, tensor<4xf32>, tensor<4xi64>, tensor<4xi32>, tensor<4xi64>, tensor<4xf64>, tensor<4xi1>
}

// -----

// A dense constant stays a constant; a splat (adj.fill folds to one) becomes
// a linalg.fill, not a global of every element.

// CHECK-LABEL: func.func @constants(
// CHECK:         %[[D:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
// CHECK:         %[[ZERO:.*]] = arith.constant 0.000000e+00 : f64
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<8x16xf64>
// CHECK:         %[[Z:.*]] = linalg.fill ins(%[[ZERO]] : f64) outs(%[[E]] : tensor<8x16xf64>)
// CHECK:         %[[TENTH:.*]] = arith.constant 1.000000e-01 : f32
// CHECK:         %[[F:.*]] = linalg.fill ins(%[[TENTH]] : f32)
// CHECK:         %[[S:.*]] = arith.constant dense<7> : tensor<i64>
// CHECK:         return %[[D]], %[[Z]], %[[F]], %[[S]]
func.func @constants() -> (tensor<2x2xf32>, tensor<8x16xf64>, tensor<16xf32>, tensor<i64>) {
  %0 = adj.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %1 = adj.constant dense<0.0> : tensor<8x16xf64>
  %2 = adj.fill 0.1 : tensor<16xf32>
  %3 = adj.constant dense<7> : tensor<i64>
  return %0, %1, %2, %3 : tensor<2x2xf32>, tensor<8x16xf64>, tensor<16xf32>, tensor<i64>
}

// -----

// CHECK-LABEL: func.func @iota(
// CHECK:         linalg.generic
// CHECK-SAME:        outs(%{{.*}} : tensor<4x8xf32>)
// CHECK:           %[[I:.*]] = linalg.index 1 : index
// CHECK:           %[[I64:.*]] = arith.index_cast %[[I]] : index to i64
// CHECK:           %[[F:.*]] = arith.sitofp %[[I64]] : i64 to f32
// CHECK:           linalg.yield %[[F]] : f32
// CHECK:         linalg.generic
// CHECK-SAME:        outs(%{{.*}} : tensor<5xi32>)
// CHECK:           %[[J:.*]] = linalg.index 0 : index
// CHECK:           %[[J32:.*]] = arith.index_cast %[[J]] : index to i32
// CHECK:           linalg.yield %[[J32]] : i32
func.func @iota() -> (tensor<4x8xf32>, tensor<5xi32>) {
  %0 = adj.iota dim 1 : tensor<4x8xf32>
  %1 = adj.iota dim 0 : tensor<5xi32>
  return %0, %1 : tensor<4x8xf32>, tensor<5xi32>
}
