//===- NativeCode.cpp - From the LLVM dialect to a shared library ---------===//
//
// Part of the Adjoint project.
//
//===----------------------------------------------------------------------===//

#include "adjoint/Target/NativeCode.h"

#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"

using namespace mlir;
using namespace adjoint;

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
  llvm::TargetOptions targetOptions;
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, cpu.empty() ? "generic" : cpu, features, targetOptions,
      llvm::Reloc::PIC_, std::nullopt, llvm::CodeGenOptLevel::Aggressive));
  if (!machine)
    return llvm::createStringError("cannot create a target machine for '" +
                                   triple + "' (cpu '" + cpu + "')");
  return std::move(machine);
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

FailureOr<std::unique_ptr<llvm::Module>>
adjoint::translateToLLVM(ModuleOp module, llvm::LLVMContext &context,
                         const LibraryInterface &interface,
                         const TargetOptions &options, bool optimize) {
  registerBuiltinDialectTranslation(*module.getContext());
  registerLLVMDialectTranslation(*module.getContext());
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
  if (StringRef((*machine)->getTargetFeatureString()).contains("+avx512f"))
    for (llvm::Function &fn : *llvmModule)
      if (!fn.isDeclaration())
        fn.addFnAttr("prefer-vector-width", "512");

  // The C ABI says buffers do not overlap: with that, LLVM may keep a
  // reduction's accumulator in registers and vectorize loops that store to
  // one buffer and load from another.
  for (llvm::Function &fn : *llvmModule)
    if (!fn.isDeclaration())
      for (llvm::Argument &arg : fn.args())
        if (arg.getType()->isPointerTy())
          arg.addAttr(llvm::Attribute::NoAlias);

  // The standard -O3 pipeline for the target.
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
  llvm::legacy::PassManager passes;
  if ((*machine)->addPassesToEmitFile(
          passes, out.os(), nullptr,
          kind == OutputKind::Object ? llvm::CodeGenFileType::ObjectFile
                                     : llvm::CodeGenFileType::AssemblyFile))
    return emitError(loc) << "the target cannot emit this kind of file";
  passes.run(module);
  out.keep();
  return success();
}

LogicalResult adjoint::linkSharedLibrary(StringRef object, StringRef path,
                                         Location loc) {
  llvm::ErrorOr<std::string> cc = llvm::sys::findProgramByName("cc");
  if (!cc)
    return emitError(loc) << "cannot link '" << path
                          << "': no C compiler driver 'cc' on PATH (install "
                             "gcc or clang, or use --emit=obj)";
  SmallVector<StringRef> args = {*cc, "-shared", "-o", path, object, "-lm"};
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(*cc, args, std::nullopt, {}, 0, 0,
                                     &message);
  if (rc != 0)
    return emitError(loc) << "linking '" << path << "' with " << *cc
                          << " failed" << (message.empty() ? "" : ": ")
                          << message;
  return success();
}
