//===- NativeCode.cpp - From the LLVM dialect to a shared library ---------===//
//
// Part of the Adjoint project.
//
//===----------------------------------------------------------------------===//

#include "adjoint/Target/NativeCode.h"

#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/Analysis/AssumptionCache.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/Analysis/ScalarEvolution.h"
#include "llvm/Analysis/TargetLibraryInfo.h"
#include "llvm/IR/Dominators.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/DynamicLibrary.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/xxhash.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"
#include "llvm/Transforms/Utils/LoopUtils.h"

#include <chrono>

using namespace mlir;
using namespace adjoint;

#include "RuntimeSource.inc"

/// The target machine for `options`, or an error message.
static llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(const TargetOptions &options) {
  llvm::InitializeAllTargetInfos();
  llvm::InitializeAllTargets();
  llvm::InitializeAllTargetMCs();
  llvm::InitializeAllAsmPrinters();

  bool host = options.triple.empty();
  std::string triple = host ? llvm::sys::getDefaultTargetTriple()
                            : llvm::Triple::normalize(options.triple);
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return llvm::createStringError("unknown target triple '" + triple +
                                   "': " + error);
  std::string cpu = options.cpu;
  std::string features;
  if (cpu.empty() && host) {
    cpu = llvm::sys::getHostCPUName().str();
    llvm::SubtargetFeatures list;
    for (auto &feature : llvm::sys::getHostCPUFeatures())
      list.AddFeature(feature.first(), feature.second);
    features = list.getString();
  }
  // LLVM's default CPU for a triple is the architecture's base ISA; for
  // RISC-V and LoongArch that has no floating-point unit, and their code
  // generators abort on our float code ("Do not know how to soften the
  // result of this operator!"). Use what clang and their Linux
  // distributions assume: the FPU and the hard-float ABI.
  llvm::Triple parsed(triple);
  if (cpu.empty() && parsed.isRISCV()) {
    cpu = parsed.isRISCV64() ? "generic-rv64" : "generic-rv32";
    features = "+m,+a,+f,+d,+c";
  } else if (cpu.empty() && parsed.isLoongArch64()) {
    cpu = "loongarch64";
    features = "+64bit,+f,+d";
  }
  // LLVM warns for each subtarget it makes with an unknown CPU, then may
  // abort ("64-bit code requested on a subtarget that doesn't support it"):
  // check the name against the target's CPUs first.
  if (!cpu.empty()) {
    std::unique_ptr<llvm::MCSubtargetInfo> info(
        target->createMCSubtargetInfo(triple, "", ""));
    if (!info || !info->isCPUStringValid(cpu))
      return llvm::createStringError(
          "unknown --target-cpu '" + cpu + "' for '" + triple +
          "' (llc -mtriple=" + triple + " -mcpu=help lists the known ones)");
  }
  // The hard-float ABI where the CPU has double-precision floats (LLVM
  // warns about it and uses the soft one otherwise).
  llvm::TargetOptions targetOptions;
  if (parsed.isRISCV() || parsed.isLoongArch64()) {
    std::unique_ptr<llvm::MCSubtargetInfo> info(
        target->createMCSubtargetInfo(triple, cpu, features));
    if (info->checkFeatures("+d"))
      targetOptions.MCOptions.ABIName = parsed.isRISCV32() ? "ilp32d" : "lp64d";
  }
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, cpu.empty() ? "generic" : cpu, features, targetOptions,
      llvm::Reloc::PIC_, std::nullopt, llvm::CodeGenOptLevel::Aggressive));
  if (!machine)
    return llvm::createStringError("cannot create a target machine for '" +
                                   triple + "' (cpu '" + cpu + "')");
  return std::move(machine);
}

llvm::Error adjoint::checkTarget(const TargetOptions &options) {
  return createTargetMachine(options).takeError();
}

bool adjoint::isCrossCompiling(const TargetOptions &options) {
  if (options.triple.empty())
    return false;
  llvm::Triple triple(llvm::Triple::normalize(options.triple));
  llvm::Triple host(llvm::sys::getProcessTriple());
  return triple.getArch() != host.getArch() || triple.getOS() != host.getOS() ||
         triple.getEnvironment() != host.getEnvironment();
}

/// Runs the C compiler driver `cc` with `args`. Its output is shown only
/// when it fails (as `output`): the warnings of a successful run (gcc's
/// -Wpsabi notes on the kernel runtime for a CPU without AVX-512) are noise
/// to the user.
static LogicalResult runCompilerDriver(StringRef cc, ArrayRef<StringRef> args,
                                       std::string &output) {
  SmallString<128> log;
  if (std::error_code ec =
          llvm::sys::fs::createTemporaryFile("adjoint-cc", "log", log)) {
    output = "cannot create a temporary file: " + ec.message();
    return failure();
  }
  llvm::FileRemover logRemover(log);
  std::optional<StringRef> redirects[] = {std::nullopt, log.str(), log.str()};
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(cc, args, std::nullopt, redirects, 0, 0,
                                     &message);
  if (rc == 0)
    return success();
  auto text = llvm::MemoryBuffer::getFile(log);
  output = text ? StringRef((*text)->getBuffer()).trim().str() : "";
  if (!message.empty())
    output += (output.empty() ? "" : "\n") + message;
  return failure();
}

/// Whether libraries for `triple` may call glibc's vector math library,
/// libmvec (x86-64 Linux with glibc: libmvec is part of glibc). The functions
/// of getLibmvecVariants came with glibc 2.35: for the host's own triple,
/// libmvec must be there and have them (an older glibc gets scalar libm
/// calls, not a failed link); another machine's glibc is taken to be recent.
static bool hasLibmvec(const llvm::Triple &triple) {
  if (triple.getArch() != llvm::Triple::x86_64 || !triple.isOSLinux() ||
      !triple.isGNUEnvironment())
    return false;
  llvm::Triple host(llvm::sys::getProcessTriple());
  if (host.getArch() != triple.getArch() || host.getOS() != triple.getOS() ||
      host.getEnvironment() != triple.getEnvironment())
    return true;
  static const bool recent = [] {
    llvm::sys::DynamicLibrary libmvec =
        llvm::sys::DynamicLibrary::getPermanentLibrary("libmvec.so.1");
    return libmvec.isValid() && libmvec.getAddressOfSymbol("_ZGVbN2v_tanh");
  }();
  return recent;
}

namespace {
/// A function of glibc's libmvec that computes `lanes` calls of `scalar`,
/// with the vector ISA (SSE2, AVX2, AVX-512) its registers need.
struct VectorVariant {
  std::string scalar, vector, abi;
  unsigned lanes;
  StringRef isaFeature;
};
} // namespace

/// The libmvec functions (glibc 2.35 and later) that generated code may call,
/// as libm calls (convert-math-to-libm) or intrinsics (convert-math-to-llvm),
/// in f64 and f32, and each vector ISA's variant of them. LLVM's own
/// LIBMVEC-X86 table lacks tanh, erf, log1p, ... and the AVX-512 variants.
static ArrayRef<VectorVariant> getLibmvecVariants() {
  static const std::vector<VectorVariant> variants = [] {
    // Name, and one 'v' per (vector) argument.
    static const std::pair<const char *, const char *> functions[] = {
        {"exp", "v"},   {"exp2", "v"},  {"exp10", "v"}, {"expm1", "v"},
        {"log", "v"},   {"log2", "v"},  {"log10", "v"}, {"log1p", "v"},
        {"pow", "vv"},  {"sin", "v"},   {"cos", "v"},   {"tan", "v"},
        {"asin", "v"},  {"acos", "v"},  {"atan", "v"},  {"atan2", "vv"},
        {"sinh", "v"},  {"cosh", "v"},  {"tanh", "v"},  {"asinh", "v"},
        {"acosh", "v"}, {"atanh", "v"}, {"erf", "v"},   {"erfc", "v"},
        {"cbrt", "v"}};
    // The vector function ABI's ISA letters and register widths.
    static const std::tuple<char, unsigned, const char *> isas[] = {
        {'b', 128, "+sse2"}, {'d', 256, "+avx2"}, {'e', 512, "+avx512f"}};
    std::vector<VectorVariant> result;
    for (auto [name, params] : functions)
      for (auto [letter, bits, feature] : isas)
        for (unsigned width : {64, 32}) {
          std::string suffix = width == 32 ? "f" : "";
          std::string type = width == 32 ? ".f32" : ".f64";
          unsigned lanes = bits / width;
          std::string vector = llvm::formatv("_ZGV{0}N{1}{2}_{3}{4}", letter,
                                             lanes, params, name, suffix);
          std::string abi = llvm::formatv("_ZGV_LLVM_N{0}{1}", lanes, params);
          for (std::string scalar :
               {std::string(name) + suffix, "llvm." + std::string(name) + type})
            result.push_back({scalar, vector, abi, lanes, feature});
        }
    return result;
  }();
  return variants;
}

/// The library information for `machine`: on x86-64 glibc, the libmvec
/// variants its vector ISAs can call, so that the loop vectorizer turns a
/// loop over `tanh` into one over `_ZGVeN8v_tanh`. Without them a loop
/// calling libm stays scalar (a fifth of an f64 tanh MLP's time).
static std::unique_ptr<llvm::TargetLibraryInfoImpl>
createLibraryInfo(const llvm::TargetMachine &machine) {
  const llvm::Triple &triple = machine.getTargetTriple();
  auto info = std::make_unique<llvm::TargetLibraryInfoImpl>(triple);
  if (!hasLibmvec(triple))
    return info;
  SmallVector<llvm::VecDesc> descriptions;
  for (const VectorVariant &v : getLibmvecVariants())
    if (machine.getMCSubtargetInfo()->checkFeatures(v.isaFeature))
      descriptions.emplace_back(v.scalar, v.vector,
                                llvm::ElementCount::getFixed(v.lanes),
                                /*Masked=*/false, v.abi);
  info->addVectorizableFunctions(descriptions);
  return info;
}

/// Adds `const char *<prefix>_adjoint_interface(void)` returning `json`.
static void addInterfaceFunction(llvm::Module &module,
                                 const LibraryInterface &interface) {
  llvm::LLVMContext &ctx = module.getContext();
  llvm::Constant *text =
      llvm::ConstantDataArray::getString(ctx, renderJson(interface));
  auto *global = new llvm::GlobalVariable(
      module, text->getType(), /*isConstant=*/true,
      llvm::GlobalValue::PrivateLinkage, text,
      interface.prefix + "_adjoint_interface_json");
  auto *fnType = llvm::FunctionType::get(llvm::PointerType::get(ctx, 0), {},
                                         /*isVarArg=*/false);
  auto *fn = llvm::Function::Create(fnType, llvm::GlobalValue::ExternalLinkage,
                                    interface.prefix + "_adjoint_interface",
                                    module);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", fn));
  b.CreateRet(global);
}

/// Adds `const char *<prefix>_status_message(int32_t status)`: "ok" for 0,
/// the message of each status --check-numerics assigned, "unknown status"
/// for anything else. The table is constant: no mutable global state.
static void addStatusMessageFunction(llvm::Module &module,
                                     const LibraryInterface &interface) {
  llvm::LLVMContext &ctx = module.getContext();
  auto *ptrType = llvm::PointerType::get(ctx, 0);
  auto string = [&](llvm::StringRef text) -> llvm::Constant * {
    llvm::Constant *data = llvm::ConstantDataArray::getString(ctx, text);
    return new llvm::GlobalVariable(module, data->getType(),
                                    /*isConstant=*/true,
                                    llvm::GlobalValue::PrivateLinkage, data,
                                    interface.prefix + "_status_text");
  };
  std::vector<llvm::Constant *> messages = {string("ok")};
  for (const std::string &message : interface.statusMessages)
    messages.push_back(string(message));
  auto *tableType = llvm::ArrayType::get(ptrType, messages.size());
  auto *table = new llvm::GlobalVariable(
      module, tableType, /*isConstant=*/true, llvm::GlobalValue::PrivateLinkage,
      llvm::ConstantArray::get(tableType, messages),
      interface.prefix + "_status_messages");

  llvm::IRBuilder<> b(ctx);
  auto *fnType = llvm::FunctionType::get(ptrType, {b.getInt32Ty()},
                                         /*isVarArg=*/false);
  auto *fn =
      llvm::Function::Create(fnType, llvm::GlobalValue::ExternalLinkage,
                             interface.prefix + "_status_message", module);
  auto *entry = llvm::BasicBlock::Create(ctx, "entry", fn);
  auto *known = llvm::BasicBlock::Create(ctx, "known", fn);
  auto *unknown = llvm::BasicBlock::Create(ctx, "unknown", fn);
  b.SetInsertPoint(entry);
  llvm::Value *status = fn->getArg(0);
  // Unsigned, so a negative status is unknown too.
  b.CreateCondBr(b.CreateICmpULT(status, b.getInt32(messages.size())), known,
                 unknown);
  b.SetInsertPoint(known);
  llvm::Value *slot = b.CreateInBoundsGEP(
      tableType, table, {b.getInt64(0), b.CreateZExt(status, b.getInt64Ty())});
  b.CreateRet(b.CreateLoad(ptrType, slot));
  b.SetInsertPoint(unknown);
  b.CreateRet(string("unknown status"));
}

/// Makes each exported function refuse a NULL pointer parameter: it
/// becomes an internal body, called by a function of the exported name that
/// returns the status of the first NULL parameter (FunctionInterface::
/// nullStatus) instead. A compare per parameter; at -O3 the body is inlined
/// into it.
static void addNullChecks(llvm::Module &module,
                          const LibraryInterface &interface) {
  for (const FunctionInterface &f : interface.functions) {
    llvm::Function *body = module.getFunction(f.symbol);
    if (!body || body->isDeclaration() || f.nullStatus == 0)
      continue;
    body->setName(f.symbol + ".body");
    body->setLinkage(llvm::GlobalValue::InternalLinkage);
    // In the body's place, so the IR reads in the model's order.
    auto *fn = llvm::Function::Create(
        body->getFunctionType(), llvm::GlobalValue::ExternalLinkage, f.symbol);
    module.getFunctionList().insert(body->getIterator(), fn);
    llvm::LLVMContext &ctx = module.getContext();
    llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", fn));
    // The workspace is the last parameter; with no bytes it may be NULL.
    unsigned checked = fn->arg_size() - (f.workspaceSize == 0 ? 1 : 0);
    llvm::Value *status = b.getInt32(0);
    for (unsigned i = checked; i-- > 0;)
      status = b.CreateSelect(b.CreateIsNull(fn->getArg(i)),
                              b.getInt32(f.nullStatus + i), status);
    auto *call = llvm::BasicBlock::Create(ctx, "call", fn);
    auto *refuse = llvm::BasicBlock::Create(ctx, "refuse", fn);
    b.CreateCondBr(b.CreateICmpEQ(status, b.getInt32(0)), call, refuse);
    b.SetInsertPoint(refuse);
    b.CreateRet(status);
    b.SetInsertPoint(call);
    SmallVector<llvm::Value *> args;
    for (llvm::Argument &arg : fn->args())
      args.push_back(&arg);
    b.CreateRet(b.CreateCall(body, args));
  }
}

/// Adds `int32_t <prefix>_initial_value(const char *name, void *out)`: a
/// strcmp per parameter, then a memcpy of its constant data.
static void addInitialValueFunction(llvm::Module &module,
                                    const LibraryInterface &interface) {
  if (interface.initialValues.empty())
    return;
  llvm::LLVMContext &ctx = module.getContext();
  auto *ptr = llvm::PointerType::get(ctx, 0);
  auto *i32 = llvm::Type::getInt32Ty(ctx);
  llvm::FunctionCallee strcmp = module.getOrInsertFunction(
      "strcmp", llvm::FunctionType::get(i32, {ptr, ptr}, false));
  auto *fn =
      llvm::Function::Create(llvm::FunctionType::get(i32, {ptr, ptr}, false),
                             llvm::GlobalValue::ExternalLinkage,
                             interface.prefix + "_initial_value", module);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", fn));
  for (const InitialValue &v : interface.initialValues) {
    DenseElementsAttr value = v.value;
    ArrayRef<char> raw = value.getRawData();
    size_t bytes = value.getNumElements() *
                   (value.getElementType().getIntOrFloatBitWidth() / 8);
    std::string data =
        value.isSplat() ? std::string() : std::string(raw.begin(), raw.end());
    // A splat keeps one element: repeat it.
    while (data.size() < bytes)
      data.append(raw.data(), raw.size());
    auto *global = new llvm::GlobalVariable(
        module, llvm::ArrayType::get(b.getInt8Ty(), bytes), true,
        llvm::GlobalValue::PrivateLinkage,
        llvm::ConstantDataArray::getString(ctx, data, /*AddNull=*/false),
        "initial_" + v.tensor.name);
    global->setAlignment(llvm::Align(64));
    llvm::Value *same = b.CreateICmpEQ(
        b.CreateCall(strcmp,
                     {fn->getArg(0), b.CreateGlobalStringPtr(v.tensor.name)}),
        b.getInt32(0));
    auto *copy = llvm::BasicBlock::Create(ctx, "copy_" + v.tensor.name, fn);
    auto *next = llvm::BasicBlock::Create(ctx, "next", fn);
    b.CreateCondBr(same, copy, next);
    b.SetInsertPoint(copy);
    b.CreateMemCpy(fn->getArg(1), llvm::MaybeAlign(1), global,
                   llvm::MaybeAlign(64), bytes);
    b.CreateRet(b.getInt32(0));
    b.SetInsertPoint(next);
  }
  b.CreateRet(b.getInt32(1));
}

/// Adds `int32_t <prefix>_set_num_threads(int32_t)`, which forwards to the
/// kernel runtime linked into the library (lib/Runtime/kernels.c).
static void addSetNumThreadsFunction(llvm::Module &module, StringRef prefix) {
  llvm::LLVMContext &ctx = module.getContext();
  auto *i32 = llvm::Type::getInt32Ty(ctx);
  auto *fnType = llvm::FunctionType::get(i32, {i32}, /*isVarArg=*/false);
  llvm::FunctionCallee runtime =
      module.getOrInsertFunction("adjoint_rt_set_num_threads", fnType);
  auto *fn =
      llvm::Function::Create(fnType, llvm::GlobalValue::ExternalLinkage,
                             prefix + "_set_num_threads", module);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", fn));
  b.CreateRet(b.CreateCall(runtime, {fn->getArg(0)}));
}

/// Asks the loop vectorizer to interleave four vectors in each innermost
/// loop whose body is a long chain of floating-point operations (a fused
/// elementwise chain with polynomial exp and tanh) and that runs at least
/// 128 times. One vector's chain is a long series of dependent operations.
/// LLVM's cost model interleaves such a large body once (a map) or twice
/// (with a reduction), and the core then waits on those dependencies: 4
/// independent chains keep it busy, though a few values spill (chain's
/// value and gradient: 0.57 -> 0.52 ms; 8 spilled more and varied more).
static void interleaveLongBodies(llvm::Module &module,
                                 const llvm::TargetLibraryInfoImpl &library) {
  constexpr unsigned minFloatOps = 48, minTrips = 128, count = 4;
  for (llvm::Function &fn : module) {
    if (fn.isDeclaration())
      continue;
    llvm::TargetLibraryInfo libraryInfo(library, &fn);
    llvm::DominatorTree dominators(fn);
    llvm::LoopInfo loops(dominators);
    llvm::AssumptionCache assumptions(fn);
    llvm::ScalarEvolution evolution(fn, libraryInfo, assumptions, dominators,
                                    loops);
    for (llvm::Loop *loop : loops.getLoopsInPreorder()) {
      if (!loop->isInnermost())
        continue;
      unsigned floatOps = 0;
      for (llvm::BasicBlock *block : loop->blocks())
        for (llvm::Instruction &inst : *block)
          floatOps += inst.getType()->isFPOrFPVectorTy();
      // The loop tests its bound at the top: the count is of the header's
      // runs, one more than the body's.
      if (floatOps >= minFloatOps &&
          evolution.getSmallConstantTripCount(loop) > minTrips)
        llvm::addStringMetadataToLoop(loop, "llvm.loop.interleave.count",
                                      count);
    }
  }
}

FailureOr<std::unique_ptr<llvm::Module>>
adjoint::translateToLLVM(ModuleOp module, llvm::LLVMContext &context,
                         const LibraryInterface &interface,
                         const TargetOptions &options, bool optimize) {
  registerBuiltinDialectTranslation(*module.getContext());
  registerLLVMDialectTranslation(*module.getContext());
  // The parallel loops of adj-parallelize-loops.
  registerOpenMPDialectTranslation(*module.getContext());
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, context, "adjoint");
  if (!llvmModule)
    return module.emitError("cannot translate the module to LLVM IR");

  auto machine = createTargetMachine(options);
  if (!machine)
    return module.emitError(llvm::toString(machine.takeError()));
  llvmModule->setTargetTriple((*machine)->getTargetTriple().str());
  llvmModule->setDataLayout((*machine)->createDataLayout());
  addInterfaceFunction(*llvmModule, interface);
  addStatusMessageFunction(*llvmModule, interface);
  addInitialValueFunction(*llvmModule, interface);
  addNullChecks(*llvmModule, interface);
  addSetNumThreadsFunction(*llvmModule, interface.prefix);
  // emitNative makes its target machine from the triple alone: the CPU and
  // its features (AVX2, FMA) reach the code generator through the functions.
  for (llvm::Function &fn : *llvmModule) {
    if (fn.isDeclaration())
      continue;
    fn.addFnAttr("target-cpu", (*machine)->getTargetCPU());
    if (!(*machine)->getTargetFeatureString().empty())
      fn.addFnAttr("target-features", (*machine)->getTargetFeatureString());
  }
  if (!optimize)
    return std::move(llvmModule);

  // On AVX-512 CPUs LLVM prefers 256-bit vectors, sparing the clock of code
  // that vectorizes a little; ours is mostly vector loops, which the full
  // width makes faster (chain's value and gradient: 1.8 -> 1.3 ms).
  if ((*machine)->getTargetTriple().isX86() &&
      (*machine)->getMCSubtargetInfo()->checkFeatures("+avx512f"))
    for (llvm::Function &fn : *llvmModule)
      if (!fn.isDeclaration())
        fn.addFnAttr("prefer-vector-width", "512");

  // Vector spills on a stack aligned to 16 bytes straddle cache lines: LLVM
  // aligns spill slots only in a function whose frame pointer it reserved
  // before register allocation. chain's value and gradient spills a few
  // 64-byte vectors per iteration and took 0.64-0.78 ms instead of 0.52 in
  // one process of four, by where the stack started (ASLR); with the stack
  // realigned at entry (three instructions), 0.51-0.52 ms in every one.
  for (llvm::Function &fn : *llvmModule)
    if (!fn.isDeclaration())
      fn.addFnAttr("stackrealign");

  // The C ABI says buffers do not overlap: with that, LLVM may keep a
  // reduction's accumulator in registers and vectorize loops that store to
  // one buffer and load from another.
  for (llvm::Function &fn : *llvmModule)
    if (!fn.isDeclaration())
      for (llvm::Argument &arg : fn.args())
        if (arg.getType()->isPointerTy())
          arg.addAttr(llvm::Attribute::NoAlias);

  // The standard -O3 pipeline for the target.
  std::unique_ptr<llvm::TargetLibraryInfoImpl> libraryInfo =
      createLibraryInfo(**machine);
  interleaveLongBodies(*llvmModule, *libraryInfo);
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  // Vectorize, but do not unroll: the loops have static trip counts, and
  // fully unrolling them multiplies code size and compile time for little
  // gain over vectorized loops.
  llvm::PipelineTuningOptions tuning;
  tuning.LoopUnrolling = false;
  llvm::PassBuilder passBuilder(machine->get(), tuning);
  // Registered first, so the default registration below keeps it.
  fam.registerPass([&] { return llvm::TargetLibraryAnalysis(*libraryInfo); });
  passBuilder.registerModuleAnalyses(mam);
  passBuilder.registerCGSCCAnalyses(cgam);
  passBuilder.registerFunctionAnalyses(fam);
  passBuilder.registerLoopAnalyses(lam);
  passBuilder.crossRegisterProxies(lam, fam, cgam, mam);
  passBuilder.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O3)
      .run(*llvmModule, mam);
  return std::move(llvmModule);
}

LogicalResult adjoint::emitNative(llvm::Module &module, OutputKind kind,
                                  StringRef path, Location loc) {
  std::error_code ec;
  llvm::ToolOutputFile out(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return emitError(loc) << "cannot write '" << path << "': " << ec.message();
  if (kind == OutputKind::LLVMIR) {
    module.print(out.os(), nullptr);
    out.keep();
    return success();
  }
  TargetOptions options{module.getTargetTriple(), ""};
  auto machine = createTargetMachine(options);
  if (!machine)
    return emitError(loc) << llvm::toString(machine.takeError());
  // The object writer seeks back to patch its headers, which a pipe cannot
  // do ("-o -" into `| cat`): emit into memory, then write it out.
  SmallVector<char, 0> buffer;
  llvm::raw_svector_ostream bufferStream(buffer);
  llvm::legacy::PassManager passes;
  if ((*machine)->addPassesToEmitFile(
          passes, bufferStream, nullptr,
          kind == OutputKind::Object ? llvm::CodeGenFileType::ObjectFile
                                     : llvm::CodeGenFileType::AssemblyFile))
    return emitError(loc) << "the target cannot emit this kind of file";
  passes.run(module);
  out.os() << StringRef(buffer.data(), buffer.size());
  out.keep();
  return success();
}

/// The C compiler's flags for the kernel runtime on `target`.
static SmallVector<std::string> runtimeFlags(const TargetOptions &target) {
  SmallVector<std::string> flags = {"-O3", "-fPIC", "-fvisibility=hidden",
                                    "-ffp-contract=fast", "-fopenmp"};
  if (target.cpu.empty() && target.triple.empty())
    flags.push_back("-march=native");
  else if (!target.cpu.empty())
    flags.push_back("-march=" + target.cpu);
  return flags;
}

/// Deletes the kernels-*.o.tmp files in the cache directory `dir` older than
/// a day: a compile that was killed (SIGKILL, or its cc outliving a killed
/// adjoint-compile) leaves its temporary object behind. A day is far longer
/// than any compile, so a concurrent one's file is never touched.
static void removeStaleTemporaries(StringRef dir) {
  auto dayAgo = std::chrono::system_clock::now() - std::chrono::hours(24);
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec)) {
    StringRef name = llvm::sys::path::filename(it->path());
    llvm::sys::fs::file_status status;
    if (name.starts_with("kernels-") && name.ends_with(".o.tmp") &&
        !llvm::sys::fs::status(it->path(), status) &&
        status.getLastModificationTime() < dayAgo)
      llvm::sys::fs::remove(it->path());
  }
}

namespace {
/// A file that is deleted when this object goes out of scope or the process
/// is killed by a signal (SIGINT, SIGTERM): an interrupted first compile
/// leaves no temporary object in the cache directory.
class TemporaryFile {
public:
  explicit TemporaryFile(StringRef path) : path(path.str()) {
    llvm::sys::RemoveFileOnSignal(this->path);
  }
  ~TemporaryFile() {
    if (!path.empty()) {
      llvm::sys::fs::remove(path);
      llvm::sys::DontRemoveFileOnSignal(path);
    }
  }
  /// Keeps the file (renamed or handed on): neither deleted nor watched.
  void release() {
    llvm::sys::DontRemoveFileOnSignal(path);
    path.clear();
  }

private:
  std::string path;
};
} // namespace

/// The kernel runtime compiled by `cc` for `target`: an object in the cache
/// directory ($ADJOINT_CACHE_DIR, else $XDG_CACHE_HOME/adjoint or
/// ~/.cache/adjoint) named by a hash of the compiler, flags and source, so
/// each configuration is compiled once; a temporary file (`remover` deletes
/// it) when there is no usable cache directory. `onBuild` (if set) is
/// called before compiling.
static FailureOr<std::string>
getRuntimeObject(StringRef cc, const TargetOptions &target,
                 llvm::FileRemover &remover, Location loc,
                 const RuntimeBuildCallback &onBuild) {
  SmallVector<std::string> flags = runtimeFlags(target);
  std::string key = cc.str() + '\0' + runtimeSource;
  for (const std::string &flag : flags)
    key += '\0' + flag;
  SmallString<128> dir;
  if (auto env = llvm::sys::Process::GetEnv("ADJOINT_CACHE_DIR")) {
    dir = *env;
  } else if (auto xdg = llvm::sys::Process::GetEnv("XDG_CACHE_HOME")) {
    dir = *xdg;
    llvm::sys::path::append(dir, "adjoint");
  } else if (llvm::sys::path::home_directory(dir)) {
    llvm::sys::path::append(dir, ".cache", "adjoint");
  }
  SmallString<128> object;
  bool cached = !dir.empty() && !llvm::sys::fs::create_directories(dir);
  if (cached) {
    object = dir;
    llvm::sys::path::append(
        object, llvm::formatv("kernels-{0:x-16}.o", llvm::xxh3_64bits(key)));
    if (llvm::sys::fs::exists(object))
      return std::string(object);
  }

  if (onBuild)
    onBuild(cached ? dir.str() : StringRef());
  // Compile into a unique file next to the final one, then rename it there:
  // concurrent compilers never see a partial object.
  SmallString<128> source, temporary;
  if (std::error_code ec =
          llvm::sys::fs::createTemporaryFile("adjoint-kernels", "c", source))
    return emitError(loc) << "cannot create a temporary file: " << ec.message();
  TemporaryFile sourceFile(source);
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(source, ec);
    os << runtimeSource;
    if (ec)
      return emitError(loc) << "cannot write '" << source
                            << "': " << ec.message();
  }
  std::error_code ec =
      cached ? llvm::sys::fs::createUniqueFile(
                   llvm::Twine(dir) + "/kernels-%%%%%%%%.o.tmp", temporary)
             : llvm::sys::fs::createTemporaryFile("adjoint-kernels", "o",
                                                  temporary);
  if (ec)
    return emitError(loc) << "cannot create a temporary file: " << ec.message();
  TemporaryFile temporaryFile(temporary);
  if (cached)
    removeStaleTemporaries(dir);
  SmallVector<StringRef> args = {cc};
  for (const std::string &flag : flags)
    args.push_back(flag);
  args.append({"-c", source, "-o", temporary});
  std::string output;
  if (failed(runCompilerDriver(cc, args, output)))
    return emitError(loc) << "compiling the kernel runtime with " << cc
                          << " failed" << (output.empty() ? "" : ":\n")
                          << output;
  if (!cached) {
    temporaryFile.release();
    remover.setFile(temporary);
    return std::string(temporary);
  }
  if (std::error_code ec = llvm::sys::fs::rename(temporary, object))
    return emitError(loc) << "cannot write '" << object
                          << "': " << ec.message();
  temporaryFile.release();
  return std::string(object);
}

LogicalResult adjoint::linkSharedLibrary(StringRef object, StringRef path,
                                         const TargetOptions &target,
                                         Location loc,
                                         ArrayRef<std::string> extraInputs,
                                         const RuntimeBuildCallback &onBuild) {
  llvm::ErrorOr<std::string> cc = llvm::sys::findProgramByName("cc");
  if (!cc)
    return emitError(loc) << "cannot link '" << path
                          << "': no C compiler driver 'cc' on PATH (install "
                             "gcc or clang, or use --emit=obj)";
  llvm::FileRemover runtimeRemover;
  FailureOr<std::string> runtime =
      getRuntimeObject(*cc, target, runtimeRemover, loc, onBuild);
  if (failed(runtime))
    return failure();
  // -z defs: a kernel the model declares but nobody defines is an error now,
  // not when the library is loaded.
  SmallVector<StringRef> args = {*cc,  "-shared", "-Wl,-z,defs",
                                 "-o", path,      object,
                                 *runtime};
  llvm::append_range(args, extraInputs);
  std::string rpath = std::string("-Wl,-rpath,") + ADJOINT_OMP_DIR,
              libDir = std::string("-L") + ADJOINT_OMP_DIR;
  args.append({libDir, rpath, "-lomp"});
  args.push_back("-lm");
  // The vector math of createLibraryInfo; as needed, so that a library
  // without vector math calls does not load libmvec.
  llvm::Triple triple(target.triple.empty()
                          ? llvm::sys::getDefaultTargetTriple()
                          : llvm::Triple::normalize(target.triple));
  if (hasLibmvec(triple))
    args.append({"-Wl,--push-state,--as-needed", "-lmvec", "-Wl,--pop-state"});
  std::string output;
  if (failed(runCompilerDriver(*cc, args, output))) {
    InFlightDiagnostic diag =
        emitError(loc) << "linking '" << path << "' with " << *cc << " failed"
                       << (output.empty() ? "" : ":\n") << output;
    if (StringRef(output).contains("undefined reference"))
      diag << "\n(an undefined reference is a function the model only "
              "declares: link its object with --link)";
    return diag;
  }
  return success();
}
