// Only in the self-contained addon (EENPLAN_NODE_STATIC): Debian's libyaml-cpp.a is not built
// position-independent, and its inlined libstdc++ code reads glibc's __libc_single_threaded
// through PC-relative relocations, which a shared object cannot resolve against libc.so. This
// hidden definition gives those reads (and every other one in the addon) a local flag that stays
// 0, "more than one thread": libstdc++ then always takes its atomic path, which is correct in any
// process; only the single-threaded shortcut is lost. Nothing else in libyaml-cpp.a refers
// outside the addon (its other PC-relative references are to yaml-cpp itself, the static
// libstdc++ and crtbeginS.o, all linked in), which the link checks: an unresolvable one fails it.
extern "C" {
__attribute__((visibility("hidden"))) char __libc_single_threaded = 0;  // NOLINT(bugprone-reserved-identifier)
}
