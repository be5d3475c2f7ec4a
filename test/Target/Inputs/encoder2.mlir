// A 2-layer nn.TransformerEncoder (d_model 128, 4 heads, FFN 256, exact GELU,
// post-norm), imported from PyTorch's ONNX export, cut after the second
// layer's FFN residual; @loss is the mean square of its output. Its weights
// are arguments. Used by test/Target/threads-encoder.py.
module {
  func.func @forward(%arg0: tensor<8x64x128xf32> {adj.name = "x"}, %arg1: tensor<384x128xf32> {adj.name = "e_layers_0_self_attn_in_proj_weight"}, %arg2: tensor<384xf32> {adj.name = "e_layers_0_self_attn_in_proj_bias"}, %arg3: tensor<128x128xf32> {adj.name = "e_layers_0_self_attn_out_proj_weight"}, %arg4: tensor<128xf32> {adj.name = "e_layers_0_self_attn_out_proj_bias"}, %arg5: tensor<256x128xf32> {adj.name = "e_layers_0_linear1_weight"}, %arg6: tensor<256xf32> {adj.name = "e_layers_0_linear1_bias"}, %arg7: tensor<128x256xf32> {adj.name = "e_layers_0_linear2_weight"}, %arg8: tensor<128xf32> {adj.name = "e_layers_0_linear2_bias"}, %arg9: tensor<128xf32> {adj.name = "e_layers_0_norm1_weight"}, %arg10: tensor<128xf32> {adj.name = "e_layers_0_norm1_bias"}, %arg11: tensor<128xf32> {adj.name = "e_layers_0_norm2_weight"}, %arg12: tensor<128xf32> {adj.name = "e_layers_0_norm2_bias"}, %arg13: tensor<384x128xf32> {adj.name = "e_layers_1_self_attn_in_proj_weight"}, %arg14: tensor<384xf32> {adj.name = "e_layers_1_self_attn_in_proj_bias"}, %arg15: tensor<128x128xf32> {adj.name = "e_layers_1_self_attn_out_proj_weight"}, %arg16: tensor<128xf32> {adj.name = "e_layers_1_self_attn_out_proj_bias"}, %arg17: tensor<256x128xf32> {adj.name = "e_layers_1_linear1_weight"}, %arg18: tensor<256xf32> {adj.name = "e_layers_1_linear1_bias"}, %arg19: tensor<128x256xf32> {adj.name = "e_layers_1_linear2_weight"}, %arg20: tensor<128xf32> {adj.name = "e_layers_1_linear2_bias"}, %arg21: tensor<128xf32> {adj.name = "e_layers_1_norm1_weight"}, %arg22: tensor<128xf32> {adj.name = "e_layers_1_norm1_bias"}, %arg23: tensor<128xf32> {adj.name = "e_layers_1_norm2_weight"}, %arg24: tensor<128xf32> {adj.name = "e_layers_1_norm2_bias"}) -> (tensor<8x64x128xf32> {adj.name = "out"}) {
    %0 = adj.transpose %arg0 [1, 0, 2] : tensor<8x64x128xf32> -> tensor<64x8x128xf32>
    %1 = adj.transpose %arg1 [1, 0] : tensor<384x128xf32> -> tensor<128x384xf32>
    %2 = adj.matmul %0, %1 : tensor<64x8x128xf32>, tensor<128x384xf32> -> tensor<64x8x384xf32>
    %3 = adj.add %arg2, %2 : tensor<384xf32>, tensor<64x8x384xf32>
    %4 = adj.slice %3 start [0, 0, 0] limit [64, 8, 128] : tensor<64x8x384xf32> -> tensor<64x8x128xf32>
    %5 = adj.slice %3 start [0, 0, 128] limit [64, 8, 256] : tensor<64x8x384xf32> -> tensor<64x8x128xf32>
    %6 = adj.slice %3 start [0, 0, 256] limit [64, 8, 384] : tensor<64x8x384xf32> -> tensor<64x8x128xf32>
    %7 = adj.reshape %4 : tensor<64x8x128xf32> -> tensor<64x32x32xf32>
    %8 = adj.transpose %7 [1, 0, 2] : tensor<64x32x32xf32> -> tensor<32x64x32xf32>
    %9 = adj.reshape %5 : tensor<64x8x128xf32> -> tensor<64x32x32xf32>
    %10 = adj.reshape %6 : tensor<64x8x128xf32> -> tensor<64x32x32xf32>
    %11 = adj.transpose %10 [1, 0, 2] : tensor<64x32x32xf32> -> tensor<32x64x32xf32>
    %cst = adj.constant dense<5.65685415> : tensor<f32>
    %12 = adj.div %8, %cst : tensor<32x64x32xf32>, tensor<f32>
    %13 = adj.transpose %9 [1, 2, 0] : tensor<64x32x32xf32> -> tensor<32x32x64xf32>
    %14 = adj.matmul %12, %13 : tensor<32x64x32xf32>, tensor<32x32x64xf32> -> tensor<32x64x64xf32>
    %15 = adj.softmax %14 axis 2 : tensor<32x64x64xf32>
    %16 = adj.matmul %15, %11 : tensor<32x64x64xf32>, tensor<32x64x32xf32> -> tensor<32x64x32xf32>
    %17 = adj.transpose %16 [1, 0, 2] : tensor<32x64x32xf32> -> tensor<64x32x32xf32>
    %18 = adj.reshape %17 : tensor<64x32x32xf32> -> tensor<512x128xf32>
    %19 = adj.transpose %arg3 [1, 0] : tensor<128x128xf32> -> tensor<128x128xf32>
    %20 = adj.matmul %18, %19 : tensor<512x128xf32>, tensor<128x128xf32> -> tensor<512x128xf32>
    %21 = adj.add %20, %arg4 : tensor<512x128xf32>, tensor<128xf32>
    %22 = adj.reshape %21 : tensor<512x128xf32> -> tensor<64x8x128xf32>
    %23 = adj.transpose %22 [1, 0, 2] : tensor<64x8x128xf32> -> tensor<8x64x128xf32>
    %24 = adj.add %arg0, %23 : tensor<8x64x128xf32>
    %25 = adj.layer_norm %24, %arg9, %arg10 axis 2 epsilon 9.9999997473787516E-6 : tensor<8x64x128xf32>, tensor<128xf32>, tensor<128xf32>
    %26 = adj.transpose %arg5 [1, 0] : tensor<256x128xf32> -> tensor<128x256xf32>
    %27 = adj.matmul %25, %26 : tensor<8x64x128xf32>, tensor<128x256xf32> -> tensor<8x64x256xf32>
    %28 = adj.add %arg6, %27 : tensor<256xf32>, tensor<8x64x256xf32>
    %cst_0 = adj.constant dense<1.41421354> : tensor<f32>
    %29 = adj.div %28, %cst_0 : tensor<8x64x256xf32>, tensor<f32>
    %30 = adj.erf %29 : tensor<8x64x256xf32>
    %cst_1 = adj.constant dense<1.000000e+00> : tensor<f32>
    %31 = adj.add %30, %cst_1 : tensor<8x64x256xf32>, tensor<f32>
    %32 = adj.mul %28, %31 : tensor<8x64x256xf32>
    %cst_2 = adj.constant dense<5.000000e-01> : tensor<f32>
    %33 = adj.mul %32, %cst_2 : tensor<8x64x256xf32>, tensor<f32>
    %34 = adj.transpose %arg7 [1, 0] : tensor<128x256xf32> -> tensor<256x128xf32>
    %35 = adj.matmul %33, %34 : tensor<8x64x256xf32>, tensor<256x128xf32> -> tensor<8x64x128xf32>
    %36 = adj.add %arg8, %35 : tensor<128xf32>, tensor<8x64x128xf32>
    %37 = adj.add %25, %36 : tensor<8x64x128xf32>
    %38 = adj.layer_norm %37, %arg11, %arg12 axis 2 epsilon 9.9999997473787516E-6 : tensor<8x64x128xf32>, tensor<128xf32>, tensor<128xf32>
    %39 = adj.transpose %38 [1, 0, 2] : tensor<8x64x128xf32> -> tensor<64x8x128xf32>
    %40 = adj.transpose %arg13 [1, 0] : tensor<384x128xf32> -> tensor<128x384xf32>
    %41 = adj.matmul %39, %40 : tensor<64x8x128xf32>, tensor<128x384xf32> -> tensor<64x8x384xf32>
    %42 = adj.add %arg14, %41 : tensor<384xf32>, tensor<64x8x384xf32>
    %43 = adj.slice %42 start [0, 0, 0] limit [64, 8, 128] : tensor<64x8x384xf32> -> tensor<64x8x128xf32>
    %44 = adj.slice %42 start [0, 0, 128] limit [64, 8, 256] : tensor<64x8x384xf32> -> tensor<64x8x128xf32>
    %45 = adj.slice %42 start [0, 0, 256] limit [64, 8, 384] : tensor<64x8x384xf32> -> tensor<64x8x128xf32>
    %46 = adj.reshape %43 : tensor<64x8x128xf32> -> tensor<64x32x32xf32>
    %47 = adj.transpose %46 [1, 0, 2] : tensor<64x32x32xf32> -> tensor<32x64x32xf32>
    %48 = adj.reshape %44 : tensor<64x8x128xf32> -> tensor<64x32x32xf32>
    %49 = adj.reshape %45 : tensor<64x8x128xf32> -> tensor<64x32x32xf32>
    %50 = adj.transpose %49 [1, 0, 2] : tensor<64x32x32xf32> -> tensor<32x64x32xf32>
    %cst_3 = adj.constant dense<5.65685415> : tensor<f32>
    %51 = adj.div %47, %cst_3 : tensor<32x64x32xf32>, tensor<f32>
    %52 = adj.transpose %48 [1, 2, 0] : tensor<64x32x32xf32> -> tensor<32x32x64xf32>
    %53 = adj.matmul %51, %52 : tensor<32x64x32xf32>, tensor<32x32x64xf32> -> tensor<32x64x64xf32>
    %54 = adj.softmax %53 axis 2 : tensor<32x64x64xf32>
    %55 = adj.matmul %54, %50 : tensor<32x64x64xf32>, tensor<32x64x32xf32> -> tensor<32x64x32xf32>
    %56 = adj.transpose %55 [1, 0, 2] : tensor<32x64x32xf32> -> tensor<64x32x32xf32>
    %57 = adj.reshape %56 : tensor<64x32x32xf32> -> tensor<512x128xf32>
    %58 = adj.transpose %arg15 [1, 0] : tensor<128x128xf32> -> tensor<128x128xf32>
    %59 = adj.matmul %57, %58 : tensor<512x128xf32>, tensor<128x128xf32> -> tensor<512x128xf32>
    %60 = adj.add %59, %arg16 : tensor<512x128xf32>, tensor<128xf32>
    %61 = adj.reshape %60 : tensor<512x128xf32> -> tensor<64x8x128xf32>
    %62 = adj.transpose %61 [1, 0, 2] : tensor<64x8x128xf32> -> tensor<8x64x128xf32>
    %63 = adj.add %38, %62 : tensor<8x64x128xf32>
    %64 = adj.layer_norm %63, %arg21, %arg22 axis 2 epsilon 9.9999997473787516E-6 : tensor<8x64x128xf32>, tensor<128xf32>, tensor<128xf32>
    %65 = adj.transpose %arg17 [1, 0] : tensor<256x128xf32> -> tensor<128x256xf32>
    %66 = adj.matmul %64, %65 : tensor<8x64x128xf32>, tensor<128x256xf32> -> tensor<8x64x256xf32>
    %67 = adj.add %arg18, %66 : tensor<256xf32>, tensor<8x64x256xf32>
    %cst_4 = adj.constant dense<1.41421354> : tensor<f32>
    %68 = adj.div %67, %cst_4 : tensor<8x64x256xf32>, tensor<f32>
    %69 = adj.erf %68 : tensor<8x64x256xf32>
    %cst_5 = adj.constant dense<1.000000e+00> : tensor<f32>
    %70 = adj.add %69, %cst_5 : tensor<8x64x256xf32>, tensor<f32>
    %71 = adj.mul %67, %70 : tensor<8x64x256xf32>
    %cst_6 = adj.constant dense<5.000000e-01> : tensor<f32>
    %72 = adj.mul %71, %cst_6 : tensor<8x64x256xf32>, tensor<f32>
    %73 = adj.transpose %arg19 [1, 0] : tensor<128x256xf32> -> tensor<256x128xf32>
    %74 = adj.matmul %72, %73 : tensor<8x64x256xf32>, tensor<256x128xf32> -> tensor<8x64x128xf32>
    %75 = adj.add %arg20, %74 : tensor<128xf32>, tensor<8x64x128xf32>
    %76 = adj.add %64, %75 : tensor<8x64x128xf32>
    %77 = adj.layer_norm %76, %arg23, %arg24 axis 2 epsilon 9.9999997473787516E-6 : tensor<8x64x128xf32>, tensor<128xf32>, tensor<128xf32>
    return %76 : tensor<8x64x128xf32>
  }
  func.func @loss(%arg0: tensor<8x64x128xf32> {adj.name = "x"}, %arg1: tensor<384x128xf32> {adj.name = "e_layers_0_self_attn_in_proj_weight"}, %arg2: tensor<384xf32> {adj.name = "e_layers_0_self_attn_in_proj_bias"}, %arg3: tensor<128x128xf32> {adj.name = "e_layers_0_self_attn_out_proj_weight"}, %arg4: tensor<128xf32> {adj.name = "e_layers_0_self_attn_out_proj_bias"}, %arg5: tensor<256x128xf32> {adj.name = "e_layers_0_linear1_weight"}, %arg6: tensor<256xf32> {adj.name = "e_layers_0_linear1_bias"}, %arg7: tensor<128x256xf32> {adj.name = "e_layers_0_linear2_weight"}, %arg8: tensor<128xf32> {adj.name = "e_layers_0_linear2_bias"}, %arg9: tensor<128xf32> {adj.name = "e_layers_0_norm1_weight"}, %arg10: tensor<128xf32> {adj.name = "e_layers_0_norm1_bias"}, %arg11: tensor<128xf32> {adj.name = "e_layers_0_norm2_weight"}, %arg12: tensor<128xf32> {adj.name = "e_layers_0_norm2_bias"}, %arg13: tensor<384x128xf32> {adj.name = "e_layers_1_self_attn_in_proj_weight"}, %arg14: tensor<384xf32> {adj.name = "e_layers_1_self_attn_in_proj_bias"}, %arg15: tensor<128x128xf32> {adj.name = "e_layers_1_self_attn_out_proj_weight"}, %arg16: tensor<128xf32> {adj.name = "e_layers_1_self_attn_out_proj_bias"}, %arg17: tensor<256x128xf32> {adj.name = "e_layers_1_linear1_weight"}, %arg18: tensor<256xf32> {adj.name = "e_layers_1_linear1_bias"}, %arg19: tensor<128x256xf32> {adj.name = "e_layers_1_linear2_weight"}, %arg20: tensor<128xf32> {adj.name = "e_layers_1_linear2_bias"}, %arg21: tensor<128xf32> {adj.name = "e_layers_1_norm1_weight"}, %arg22: tensor<128xf32> {adj.name = "e_layers_1_norm1_bias"}, %arg23: tensor<128xf32> {adj.name = "e_layers_1_norm2_weight"}, %arg24: tensor<128xf32> {adj.name = "e_layers_1_norm2_bias"}) -> tensor<f32> {
    %o = func.call @forward(%arg0, %arg1, %arg2, %arg3, %arg4, %arg5, %arg6, %arg7, %arg8, %arg9, %arg10, %arg11, %arg12, %arg13, %arg14, %arg15, %arg16, %arg17, %arg18, %arg19, %arg20, %arg21, %arg22, %arg23, %arg24) : (tensor<8x64x128xf32>, tensor<384x128xf32>, tensor<384xf32>, tensor<128x128xf32>, tensor<128xf32>, tensor<256x128xf32>, tensor<256xf32>, tensor<128x256xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<384x128xf32>, tensor<384xf32>, tensor<128x128xf32>, tensor<128xf32>, tensor<256x128xf32>, tensor<256xf32>, tensor<128x256xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128xf32>) -> tensor<8x64x128xf32>
    %q = adj.square %o : tensor<8x64x128xf32>
    %l = adj.mean %q : tensor<8x64x128xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}
