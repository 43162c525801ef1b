// Runs tests/runtimes/conformance.py inside MicroPython or Pyodide (CPython compiled to
// WebAssembly), under Node.js, with the package as runtimes.py stages it (ann_ref/__init__
// and the numeric core, ann_ref/core/, nothing else: .py or .mpy files) copied into the
// runtime's file system.
//   node tests/runtimes/run.mjs micropython|pyodide [OPTION ...] PACKAGE_DIR GOLDEN_DIR FILE.json ...
// Options: --software (the scenarios on softfloat.Binary64), --heap=all|modules (heap.py's
// figures instead of the conformance check; MicroPython only), --heapsize=BYTES
// (MicroPython's heap; 64 MiB by default).
// Exit status 0 when every scenario agrees, 1 otherwise.
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const [runtime, ...rest] = process.argv.slice(2);
const options = {};
while (rest.length && rest[0].startsWith("--")) {
  const [key, value] = rest.shift().slice(2).split("=");
  options[key] = value === undefined ? true : value;
}
const [packageDir, goldenDir, ...names] = rest;

function copyInto(FS, mkdir, target) {
  for (const folder of ["ann_ref", "ann_ref/core"]) {
    mkdir(target + "/" + folder);
    for (const name of readdirSync(join(packageDir, folder))) {
      if (name.endsWith(".py") || name.endsWith(".mpy")) {
        FS.writeFile(target + "/" + folder + "/" + name, readFileSync(join(packageDir, folder, name)));
      }
    }
  }
  for (const name of ["conformance.py", "goldens.py"]) {
    FS.writeFile(target + "/" + name, readFileSync(join(here, name)));
  }
  FS.writeFile(target + "/heap.py", readFileSync(join(here, "heap.py")));
  for (const vectors of ["exp_vectors.json", "exp_vectors_binary32.json"]) {
    FS.writeFile("/" + vectors, readFileSync(join(here, vectors)));
  }
  mkdir("/golden");
  for (const name of names) {
    FS.writeFile("/golden/" + name, readFileSync(join(goldenDir, name)));
  }
}

const software = options.software ? "True" : "None";
const check = "import conformance\nok = conformance.main('/golden', " + JSON.stringify(names) +
  ", ['/exp_vectors.json', '/exp_vectors_binary32.json'], " + software + ")\n";

// heap.py's figures, one Python call at a time: MicroPython's WebAssembly build frees
// nothing while Python runs, and only a collection in a call of its own, twice, frees
// all that is dead (see heap.py).
function heapFigures(mp, mode) {
  const py = (code) => mp.runPython(code);
  const collect = () => { py("gc.collect()"); py("gc.collect()"); };
  py("import gc\nimport heap");
  if (mode === "modules") {         // the package's __init__ is an empty stand-in here
    for (let i = 0; ; i++) {
      py("name = heap.CORE[" + i + "] if " + i + " < len(heap.CORE) else ''");
      const name = mp.globals.get("name");
      if (!name) break;
      collect();
      py("heap.mark()");
      py("heap.import_module('ann_ref.core." + name + "')");
      collect();
      py("heap.report('module " + name + "')");
    }
    return;
  }
  collect();
  py("heap.mark()");
  py("import ann_ref\nheap.report('import allocated')");
  collect();
  py("heap.report('import')");
  const drive = (prepare, start, name) => {
    py(prepare);
    collect();
    py("heap.mark()");
    py(start);
    for (;;) {
      py("more = heap.advance()");
      if (!mp.globals.get("more")) break;
      collect();
      py("heap.settle()");
    }
    py("heap.finish(" + JSON.stringify(name) + ")");
  };
  drive("heap.prepare_article()", "heap.start_article()", "article");
  for (const name of names) {
    drive("heap.prepare_scenario('/golden', " + JSON.stringify(name) + ")",
          "heap.start_scenario(" + software + ")", "scenario " + name);
  }
}

let ok;
if (runtime === "micropython") {
  const { loadMicroPython } = await import(
    "@micropython/micropython-webassembly-pyscript/micropython.mjs");
  // double-precision floats and big ints; the heap is sized generously (the default is
  // 1 MiB), although the line-by-line reading of conformance.py needs far less
  const mp = await loadMicroPython({
    heapsize: options.heapsize ? Number(options.heapsize) : 64 * 1024 * 1024, linebuffer: false,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
  const mkdir = (path) => {
    let at = "";
    for (const part of path.split("/").filter(Boolean)) {
      at += "/" + part;
      try { mp.FS.mkdir(at); } catch (e) { /* exists */ }
    }
  };
  copyInto(mp.FS, mkdir, "/lib");
  mp.runPython("import sys\nprint('runtime: micropython %s, float %s bits' % ('.'.join(str(v) for v in sys.implementation.version[:3]), len(__import__('struct').pack('d', 1.0)) * 8))\n");
  try {
    if (options.heap) {
      heapFigures(mp, options.heap);
      ok = true;
    } else {
      mp.runPython(check);
      ok = mp.globals.get("ok");
    }
  } catch (e) {                       // an exception in Python, MemoryError included
    console.error(String(e.message || e));
    ok = false;
  }
} else if (runtime === "pyodide") {
  const { loadPyodide } = await import("pyodide");
  const py = await loadPyodide({ stdout: (line) => console.log(line),
                                 stderr: (line) => console.error(line) });
  copyInto(py.FS, (path) => py.FS.mkdirTree(path), "/home/pyodide");
  py.runPython("import sys, pyodide\nprint('runtime: pyodide %s, Python %s' % (pyodide.__version__, sys.version.split()[0]))\n");
  py.runPython(check);
  ok = py.globals.get("ok");
} else {
  console.error("usage: node run.mjs micropython|pyodide [OPTION ...] PACKAGE_DIR GOLDEN_DIR FILE.json ...");
  process.exit(2);
}
process.exitCode = ok ? 0 : 1;
