// Rules written with arith ops (docs/adding-rules.md: a rule body may use
// adj, arith and math ops), for rule-files-arith-gradcheck.mlir.

// atan'(x) = 1 / (1 + x^2)
func.func @atan(%x: tensor<*xf32>, %y: tensor<*xf32>, %d: tensor<*xf32>) -> tensor<*xf32>
    attributes {adj.reverse_rule = "math.atan", adj.forward_rule = "math.atan"} {
  %one = adj.constant dense<1.0> : tensor<f32>
  %xx = arith.mulf %x, %x : tensor<*xf32>
  %den = adj.add %xx, %one : tensor<*xf32>, tensor<f32>
  %r = arith.divf %d, %den : tensor<*xf32>
  return %r : tensor<*xf32>
}

// |x|' = sign(x): a comparison with 0 (x - x) and a select.
func.func @absf(%x: tensor<*xf32>, %y: tensor<*xf32>, %d: tensor<*xf32>) -> tensor<*xf32>
    attributes {adj.reverse_rule = "math.absf", adj.forward_rule = "math.absf"} {
  %zero = arith.subf %x, %x : tensor<*xf32>
  %positive = arith.cmpf ogt, %x, %zero : tensor<*xf32>
  %minus_d = arith.negf %d : tensor<*xf32>
  %r = arith.select %positive, %d, %minus_d : tensor<*xi1>, tensor<*xf32>
  return %r : tensor<*xf32>
}

// d(a^b) = b a^(b-1) da + log(a) a^b db, the exponent's derivative behind a
// scalar switch that is always on.
func.func @powf(%a: tensor<*xf64>, %b: tensor<*xf64>, %p: tensor<*xf64>,
                %d: tensor<*xf64>) -> (tensor<*xf64>, tensor<*xf64>)
    attributes {adj.reverse_rule = "math.powf"} {
  %on = arith.constant true
  %one = adj.constant dense<1.0> : tensor<f64>
  %bm1 = adj.sub %b, %one : tensor<*xf64>, tensor<f64>
  %pm1 = math.powf %a, %bm1 : tensor<*xf64>
  %slope_a = arith.mulf %b, %pm1 : tensor<*xf64>
  %da = arith.mulf %d, %slope_a : tensor<*xf64>
  %log = math.log %a : tensor<*xf64>
  %slope_b = arith.mulf %log, %p : tensor<*xf64>
  %zero = arith.subf %d, %d : tensor<*xf64>
  %db_on = arith.mulf %d, %slope_b : tensor<*xf64>
  %db = arith.select %on, %db_on, %zero : tensor<*xf64>
  return %da, %db : tensor<*xf64>, tensor<*xf64>
}

// Its forward rule: dp = b a^(b-1) da + log(a) p db.
func.func @powf_forward(%a: tensor<*xf64>, %b: tensor<*xf64>, %p: tensor<*xf64>,
                        %da: tensor<*xf64>, %db: tensor<*xf64>) -> tensor<*xf64>
    attributes {adj.forward_rule = "math.powf"} {
  %one = adj.constant dense<1.0> : tensor<f64>
  %bm1 = adj.sub %b, %one : tensor<*xf64>, tensor<f64>
  %pm1 = math.powf %a, %bm1 : tensor<*xf64>
  %slope_a = arith.mulf %b, %pm1 : tensor<*xf64>
  %log = math.log %a : tensor<*xf64>
  %slope_b = arith.mulf %log, %p : tensor<*xf64>
  %ta = arith.mulf %da, %slope_a : tensor<*xf64>
  %tb = arith.mulf %db, %slope_b : tensor<*xf64>
  %r = arith.addf %ta, %tb : tensor<*xf64>
  return %r : tensor<*xf64>
}
