//===- PrintDot.cpp - The adj-print-dot pass ------------------------------===//
//
// Part of the Adjoint project.
//
// Writes the dataflow graph of functions as Graphviz DOT, so that a model
// and the gradient Adjoint derived for it can be looked at:
//
//   adjoint-opt examples/mlp.mlir -adj-differentiate -inline -canonicalize
//       -adj-print-dot=output=mlp.dot -o /dev/null
//   dot -Tsvg mlp.dot -o mlp.svg
//
// One node per op (its name and result types), one edge per SSA use, the
// function's arguments and results as nodes of their own. Derivative ops
// (located at "adjoint"(<loc>) or "tangent"(<loc>)) are coloured apart from
// forward ops, with a dashed edge to the op their location points back to.
// The pass changes nothing.
//
//===----------------------------------------------------------------------===//

#include "adjoint/Transforms/Passes.h"

#include "adjoint/Transforms/DerivativeLocations.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Location.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

namespace adjoint {
#define GEN_PASS_DEF_ADJPRINTDOT
#include "adjoint/Transforms/Passes.h.inc"
} // namespace adjoint

using namespace mlir;
using namespace adjoint;

namespace {

/// `s` as the inside of a DOT string.
std::string escape(StringRef s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string typeString(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  type.print(os);
  return s;
}

constexpr const char *kFill[] = {"#cfe2f3", "#f4cccc", "#d9ead3"};
constexpr const char *kEdge[] = {"#3d85c6", "#cc0000", "#38761d"};

class DotWriter {
public:
  DotWriter(llvm::raw_ostream &os) : os(os) {}

  void writeFunction(func::FuncOp fn, unsigned index);

private:
  llvm::raw_ostream &os;
  std::string prefix;
  llvm::DenseMap<Operation *, std::string> opNodes;
  llvm::DenseMap<Value, std::string> valueNodes;
  unsigned nextBlockArg = 0;

  std::string nodeOf(Value value);
};

std::string DotWriter::nodeOf(Value value) {
  if (auto it = valueNodes.find(value); it != valueNodes.end())
    return it->second;
  if (Operation *def = value.getDefiningOp())
    if (auto it = opNodes.find(def); it != opNodes.end())
      return it->second;
  // A block argument of a nested region: a node of its own, made on first
  // use.
  std::string id = prefix + "blockarg" + std::to_string(nextBlockArg++);
  os << "    " << id << " [label=\"block argument\\n"
     << escape(typeString(value.getType()))
     << "\", shape=ellipse, fillcolor=\"#eeeeee\"];\n";
  valueNodes[value] = id;
  return id;
}

void DotWriter::writeFunction(func::FuncOp fn, unsigned index) {
  prefix = "f" + std::to_string(index) + "_";
  opNodes.clear();
  valueNodes.clear();
  nextBlockArg = 0;

  // The ops, in program order (nested ones included), but not the return.
  SmallVector<Operation *> ops;
  fn.getBody().walk<WalkOrder::PreOrder>([&](Operation *op) {
    if (!isa<func::ReturnOp>(op) || op->getParentOp() != fn)
      ops.push_back(op);
  });
  unsigned counts[3] = {0, 0, 0};
  for (Operation *op : ops)
    ++counts[static_cast<int>(getDerivativeKind(op->getLoc()))];

  os << "  subgraph cluster_" << index << " {\n";
  os << "    label=\"@" << escape(fn.getSymName()) << ": " << counts[0]
     << " forward, " << counts[1] << " adjoint, " << counts[2]
     << " tangent ops\";\n";

  // Arguments.
  for (BlockArgument arg : fn.getArguments()) {
    std::string id = prefix + "arg" + std::to_string(arg.getArgNumber());
    std::string name;
    if (auto attr = fn.getArgAttrOfType<StringAttr>(arg.getArgNumber(),
                                                    "adj.name"))
      name = attr.str();
    else
      name = "arg" + std::to_string(arg.getArgNumber());
    os << "    " << id << " [label=\"" << escape(name) << "\\n"
       << escape(typeString(arg.getType()))
       << "\", shape=invhouse, fillcolor=\"#fff2cc\"];\n";
    valueNodes[arg] = id;
  }

  // Ops, and the first op at each location: where dashed edges point.
  llvm::DenseMap<Location, Operation *> firstAt, firstAtStripped;
  for (auto [i, op] : llvm::enumerate(ops)) {
    std::string id = prefix + "op" + std::to_string(i);
    opNodes[op] = id;
    firstAt.try_emplace(op->getLoc(), op);
    firstAtStripped.try_emplace(stripCallSites(op->getLoc()), op);
    std::string types;
    for (auto [j, type] : llvm::enumerate(op->getResultTypes()))
      types += (j ? ", " : "") + typeString(type);
    int kind = static_cast<int>(getDerivativeKind(op->getLoc()));
    os << "    " << id << " [label=\"" << escape(op->getName().getStringRef());
    if (!types.empty())
      os << "\\n" << escape(types);
    os << "\", fillcolor=\"" << kFill[kind] << "\"";
    if (kind != static_cast<int>(DerivativeKind::Forward))
      os << ", class=\"" << (kind == 1 ? "adjoint" : "tangent") << "\"";
    os << "];\n";
  }

  // Results.
  auto ret = cast<func::ReturnOp>(fn.getBody().back().getTerminator());
  for (auto [i, operand] : llvm::enumerate(ret.getOperands())) {
    std::string id = prefix + "res" + std::to_string(i);
    std::string name;
    if (auto attr = fn.getResultAttrOfType<StringAttr>(i, "adj.name"))
      name = attr.str();
    else
      name = "result" + std::to_string(i);
    os << "    " << id << " [label=\"" << escape(name) << "\\n"
       << escape(typeString(operand.getType()))
       << "\", shape=house, fillcolor=\"#fff2cc\"];\n";
  }

  // SSA uses, coloured by the kind of the op that defines the value.
  auto edge = [&](Value value, StringRef to) {
    std::string from = nodeOf(value);
    int kind = 0;
    if (Operation *def = value.getDefiningOp())
      kind = static_cast<int>(getDerivativeKind(def->getLoc()));
    os << "    " << from << " -> " << to << " [color=\"" << kEdge[kind]
       << "\"";
    if (auto result = dyn_cast<OpResult>(value);
        result && result.getOwner()->getNumResults() > 1)
      os << ", taillabel=\"#" << result.getResultNumber() << "\"";
    os << "];\n";
  };
  for (Operation *op : ops)
    for (Value operand : op->getOperands())
      edge(operand, opNodes[op]);
  for (auto [i, operand] : llvm::enumerate(ret.getOperands()))
    edge(operand, prefix + "res" + std::to_string(i));

  // Dashed edges from each derivative op to the op it came from.
  for (Operation *op : ops) {
    LocationAttr source = getForwardOpLoc(op->getLoc());
    if (!source)
      continue;
    Operation *target = firstAt.lookup(Location(source));
    if (!target)
      target = firstAtStripped.lookup(stripCallSites(Location(source)));
    if (!target || target == op)
      continue;
    os << "    " << opNodes[op] << " -> " << opNodes[target]
       << " [style=dashed, color=\"#999999\", constraint=false];\n";
  }
  os << "  }\n";
}

struct AdjPrintDotPass
    : public adjoint::impl::AdjPrintDotBase<AdjPrintDotPass> {
  using AdjPrintDotBase::AdjPrintDotBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> fns;
    for (auto fn : module.getOps<func::FuncOp>()) {
      if (fn.isExternal())
        continue;
      if (function.empty() ? fn.isPublic() : fn.getSymName() == function)
        fns.push_back(fn);
    }
    if (!function.empty() && fns.empty()) {
      // A free diagnostic: the op's would dump the whole module after it.
      InFlightDiagnostic diag = mlir::emitError(module.getLoc())
                                << "adj-print-dot: no function @" << function
                                << " with a body; the module has ";
      SmallVector<StringRef> names;
      for (auto fn : module.getOps<func::FuncOp>())
        if (!fn.isExternal())
          names.push_back(fn.getSymName());
      if (names.empty())
        diag << "none";
      llvm::interleaveComma(names, diag,
                            [&](StringRef name) { diag << "@" << name; });
      return signalPassFailure();
    }

    std::string path = output.empty() ? std::string("-") : output.getValue();
    std::error_code ec;
    llvm::ToolOutputFile file(path, ec, llvm::sys::fs::OF_Text);
    if (ec) {
      module.emitError() << "adj-print-dot: cannot write '" << output
                         << "': " << ec.message();
      return signalPassFailure();
    }
    llvm::raw_ostream &os = file.os();
    os << "digraph adjoint {\n";
    os << "  rankdir=TB;\n";
    os << "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\","
          " fontsize=10];\n";
    os << "  edge [arrowsize=0.6];\n";
    DotWriter writer(os);
    for (auto [i, fn] : llvm::enumerate(fns))
      writer.writeFunction(fn, i);
    os << "}\n";
    file.keep();
    markAllAnalysesPreserved();
  }
};

} // namespace
