// RUN: adjoint-run %s --check-grad --seed 0

// Reverse and forward mode of the shape ops against central finite
// differences. Indices are constants inside the functions, so the check
// does not perturb them.

func.func @reshape(%x: tensor<2x3x4xf64>) -> tensor<4x6xf64> {
  %r = adj.reshape %x : tensor<2x3x4xf64> -> tensor<4x6xf64>
  %y = adj.sin %r : tensor<4x6xf64>
  return %y : tensor<4x6xf64>
}

func.func @broadcast_to(%x: tensor<3x1xf64>, %b: tensor<4xf64>) -> tensor<2x3x4xf64> {
  %bx = adj.broadcast_to %x : tensor<3x1xf64> -> tensor<2x3x4xf64>
  %bb = adj.broadcast_to %b : tensor<4xf64> -> tensor<2x3x4xf64>
  %y = adj.mul %bx, %bb : tensor<2x3x4xf64>
  return %y : tensor<2x3x4xf64>
}

func.func @slice(%x: tensor<4x6xf64>) -> tensor<2x4xf64> {
  %s = adj.slice %x start [1, 2] limit [3, 6] : tensor<4x6xf64> -> tensor<2x4xf64>
  return %s : tensor<2x4xf64>
}

// Strides that end short of the limit and short of the size.
func.func @slice_strided(%x: tensor<5x7xf64>) -> tensor<2x2xf64> {
  %s = adj.slice %x start [1, 0] limit [5, 5] stride [2, 3] : tensor<5x7xf64> -> tensor<2x2xf64>
  %y = adj.square %s : tensor<2x2xf64>
  return %y : tensor<2x2xf64>
}

func.func @slice_strided_rank3(%x: tensor<3x8x4xf64>) -> tensor<2x3x2xf64> {
  %s = adj.slice %x start [0, 1, 1] limit [3, 8, 4] stride [2, 3, 2] : tensor<3x8x4xf64> -> tensor<2x3x2xf64>
  return %s : tensor<2x3x2xf64>
}

func.func @pad(%x: tensor<3x4xf64>) -> tensor<6x5xf64> {
  %p = adj.pad %x low [1, 0] high [2, 1] value 0.5 : tensor<3x4xf64> -> tensor<6x5xf64>
  %y = adj.exp %p : tensor<6x5xf64>
  return %y : tensor<6x5xf64>
}

func.func @pad_interior(%x: tensor<3x4xf64>) -> tensor<8x11xf64> {
  %p = adj.pad %x low [1, 0] high [2, 1] interior [1, 2] value -1.0 : tensor<3x4xf64> -> tensor<8x11xf64>
  %y = adj.square %p : tensor<8x11xf64>
  return %y : tensor<8x11xf64>
}

// The derivative of a strided slice is an interior pad and the other way
// round: chain both.
func.func @pad_then_slice(%x: tensor<3x4xf64>) -> tensor<3x3xf64> {
  %p = adj.pad %x low [0, 2] high [1, 0] interior [2, 1] : tensor<3x4xf64> -> tensor<8x9xf64>
  %s = adj.slice %p start [0, 1] limit [8, 9] stride [3, 3] : tensor<8x9xf64> -> tensor<3x3xf64>
  return %s : tensor<3x3xf64>
}

func.func @concat3(%a: tensor<2x1xf64>, %b: tensor<2x3xf64>, %c: tensor<2x2xf64>) -> tensor<2x6xf64> {
  %t = adj.concat %a, %b, %c axis 1 : tensor<2x1xf64>, tensor<2x3xf64>, tensor<2x2xf64> -> tensor<2x6xf64>
  %y = adj.tanh %t : tensor<2x6xf64>
  return %y : tensor<2x6xf64>
}

// A constant input between two varied ones, and one input used twice.
func.func @concat3_mixed(%a: tensor<1x3xf64>, %b: tensor<2x3xf64>) -> tensor<5x3xf64> {
  %c = adj.constant dense<[[1.0, 2.0, 3.0]]> : tensor<1x3xf64>
  %t = adj.concat %a, %c, %b, %a axis 0 : tensor<1x3xf64>, tensor<1x3xf64>, tensor<2x3xf64>, tensor<1x3xf64> -> tensor<5x3xf64>
  %y = adj.mul %t, %t : tensor<5x3xf64>
  return %y : tensor<5x3xf64>
}

// An embedding lookup: rows 0 and 2 are taken more than once, row 1 never.
func.func @gather_axis0(%table: tensor<5x3xf64>) -> tensor<3x2x3xf64> {
  %idx = adj.constant dense<[[0, 2], [2, 4], [0, 0]]> : tensor<3x2xi64>
  %g = adj.gather %table[%idx] axis 0 : tensor<5x3xf64>, tensor<3x2xi64> -> tensor<3x2x3xf64>
  %y = adj.square %g : tensor<3x2x3xf64>
  return %y : tensor<3x2x3xf64>
}

func.func @gather_axis1(%x: tensor<3x4x2xf64>) -> tensor<3x5x2xf64> {
  %idx = adj.constant dense<[1, 1, 3, 0, 1]> : tensor<5xi32>
  %g = adj.gather %x[%idx] axis 1 : tensor<3x4x2xf64>, tensor<5xi32> -> tensor<3x5x2xf64>
  %y = adj.sin %g : tensor<3x5x2xf64>
  return %y : tensor<3x5x2xf64>
}

func.func @scatter_add_axis0(%u: tensor<3x2x3xf64>) -> tensor<5x3xf64> {
  %idx = adj.constant dense<[[0, 2], [2, 4], [0, 0]]> : tensor<3x2xi64>
  %s = adj.scatter_add %u[%idx] axis 0 : tensor<3x2x3xf64>, tensor<3x2xi64> -> tensor<5x3xf64>
  %y = adj.square %s : tensor<5x3xf64>
  return %y : tensor<5x3xf64>
}

func.func @scatter_add_axis1(%u: tensor<3x5x2xf64>) -> tensor<3x4x2xf64> {
  %idx = adj.constant dense<[1, 1, 3, 0, 1]> : tensor<5xi64>
  %s = adj.scatter_add %u[%idx] axis 1 : tensor<3x5x2xf64>, tensor<5xi64> -> tensor<3x4x2xf64>
  return %s : tensor<3x4x2xf64>
}

func.func @reverse(%x: tensor<2x3x4xf64>) -> tensor<2x3x4xf64> {
  %r = adj.reverse %x dims [0, 2] : tensor<2x3x4xf64>
  %y = adj.mul %x, %r : tensor<2x3x4xf64>
  return %y : tensor<2x3x4xf64>
}

// one_hot has no derivative: it only scales %x by constants here.
func.func @one_hot(%x: tensor<4x3xf64>) -> tensor<4x3xf64> {
  %labels = adj.constant dense<[2, 0, 1, 2]> : tensor<4xi64>
  %h = adj.one_hot %labels : tensor<4xi64> -> tensor<4x3xf64>
  %y = adj.mul %x, %h : tensor<4x3xf64>
  return %y : tensor<4x3xf64>
}
