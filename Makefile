# cnn-from-scratch: the one entry point.
#
#   make                 build the library, every lesson, tool and test into build/
#   make test            build and run every test; ends with "N passed, N failed"
#   make lessons         build the lessons and run each one in turn
#   make check EX=01     check your work on exercises/01_*.c, task by task
#   make hint EX=01      one more hint (the idea, the formula, the code) for the first failing task
#   make reset EX=01     put the original exercise back (yours is kept as exercises/01_*.c.bak)
#   make progress        a table of all exercises: how many tasks pass
#   make grade DIR=d     instructors: grade a class (a folder per student): CSV and feedback per run
#   make similarity DIR=d  instructors: the pairs of students whose exercises share the most code
#   make gradcheck SRC=f check your own layer's gradient (src/tools/gradcheck/my_layer.h)
#   make skeletons       prove every committed (untouched) exercise compiles and fails
#   make sanitize        the test suite under AddressSanitizer + UBSan
#   make valgrind        the test suite, then every lesson (on the tests' tiny data where it needs MNIST) and build/predict under valgrind
#   make fuzz            the file and --net readers under libFuzzer (FUZZ_SECONDS=5 each; clang)
#   make data            fetch and verify the four MNIST files into data/mnist/
#   make mnist           fetch MNIST, build and train lesson 10, print the test accuracy
#   make data-fashion    fetch and verify Fashion-MNIST into data/fashion-mnist/ (with its class names)
#   make fashion         fetch Fashion-MNIST, train lesson 16's recipe on it (mirrors too), print the test accuracy
#   make fashion-deep    the same data with lesson 12's trainer and older recipe (saves build/fashion.model)
#   make mnist EX=all    the same network trained with your own functions from the exercises
#   make claims          lesson 15: the sources' claims, tested (QUICK=1: a few minutes)
#   make speedrun        lesson 16: about 99.5% on MNIST in about 40 s a seed, 5 seeds (QUICK=1: the quick recipe)
#   make bench           speed: ours beside PyTorch in one run, the targets in paired rounds (ROUNDS=5; QUICK=1: seconds)
#   make plots           data files and, with gnuplot installed, PNG plots
#   make handout         a student archive without solutions/ or the instructors' notes (build/cnn-from-scratch-handout.tar.gz)
#   make CC=clang ...    any of the above with clang
#
# The library is compiled three times: in double (build/libcnn_double.a, for
# the lessons, gradient checks and exercises), in float with the same portable
# flags (build/libcnn_float.a), and in float with the fast flags below
# (build/libcnn_fast.a, for the trainer, build/predict and the benchmark).

#
# Portable to GNU make 3.81 (macOS's /usr/bin/make): nothing from a later make's NEWS is used:
# no $(file ...), no != or ::= assignments, no .ONESHELL, no .RECIPEPREFIX, no undefine, no
# private, no grouped targets (&:), no $(let)/$(intcmp), no reliance on 3.82's "shortest stem"
# choice among pattern rules. Recipes are POSIX sh with POSIX utility options.
#
# Other platforms: CC=x86_64-w64-mingw32-gcc builds Windows programs (NAME.exe); a cross
# compiler's programs run through EMULATOR (e.g. EMULATOR="qemu-aarch64 -L /usr/aarch64-linux-gnu"),
# which the tests, the scripts and the targets below that run programs all put in front of them.
# THREADS=posix: POSIX threads even where C11 <threads.h> exists (src/os.c picks POSIX threads by
# itself where it does not).

CC      ?= cc
BUILD   ?= build
OPT     ?= -O2
WARN    := -std=c11 -Wall -Wextra -Wpedantic -Werror
# Student files (exercises/) get the same warnings, but warnings do not stop the build.
EX_WARN := -std=c11 -Wall -Wextra -Wpedantic -Wno-unused-parameter
CFLAGS_ALL = $(OPT) -g $(PLATFORM_CFLAGS) $(EXTRA_CFLAGS) -MMD -MP
LDLIBS  := -lm -pthread

# The target system, from the compiler: Windows programs end in .exe, and are linked statically
# (winpthreads and the C runtime inside: one file that runs without MinGW's DLLs beside it).
TARGET_MACHINE := $(shell $(CC) -dumpmachine 2>/dev/null)
EXE :=
ifneq ($(findstring mingw,$(TARGET_MACHINE))$(findstring windows,$(TARGET_MACHINE))$(findstring cygwin,$(TARGET_MACHINE)),)
EXE := .exe
LDLIBS += -static
endif
PLATFORM_CFLAGS :=
ifeq ($(THREADS),posix)
PLATFORM_CFLAGS += -DNO_C11_THREADS
endif
# How many compilers make test runs at once: the processors online (POSIX getconf; BSD and macOS
# sysctl; GNU nproc), else 2.
NPROC = $(shell getconf _NPROCESSORS_ONLN 2>/dev/null || sysctl -n hw.ncpu 2>/dev/null || nproc 2>/dev/null || echo 2)

# The fast flags: vectorise, use every instruction this CPU has, and fuse a*b+c
# into one FMA (-std=c11 turns that off in gcc). Each flag is kept only if the
# compiler accepts it. gcc keeps the GEMM's register tile in registers at -O2
# with the vectoriser on, not always at -O3 (lesson 11 measures both).
accepts = $(shell $(CC) $(1) -Werror -E -x c /dev/null > /dev/null 2>&1 && echo $(1))
FAST_OPT ?= -O2 $(call accepts,-ftree-vectorize) $(call accepts,-march=native) $(call accepts,-ffp-contract=fast) \
            $(call accepts,-fno-math-errno)

LIB_SRC   := $(wildcard src/*.c)
LIB_F     := $(BUILD)/libcnn_float.a
LIB_D     := $(BUILD)/libcnn_double.a
LIB_FAST  := $(BUILD)/libcnn_fast.a
OBJ_F     := $(LIB_SRC:src/%.c=$(BUILD)/obj/float/%.o)
OBJ_D     := $(LIB_SRC:src/%.c=$(BUILD)/obj/double/%.o)
OBJ_FAST  := $(LIB_SRC:src/%.c=$(BUILD)/obj/fast/%.o)
FAST_CFLAGS = $(FAST_OPT) -g $(PLATFORM_CFLAGS) $(EXTRA_CFLAGS) -MMD -MP

# Lessons print hand-sized examples in double; the trainer trains in float, and
# lesson 11 measures speed, so both are built in float with the fast flags.
FLOAT_LESSONS := 10_mnist 11_speed 12_deeper 14_what_it_sees 15_claims 16_train_fast
LESSONS       := $(basename $(notdir $(wildcard lessons/[0-9][0-9]_*.c)))
LESSON_BINS   := $(LESSONS:%=$(BUILD)/lessons/%$(EXE))
TOOLS         := $(basename $(notdir $(wildcard src/tools/*.c)))
TOOL_BINS     := $(TOOLS:%=$(BUILD)/%$(EXE))
# Tools built in double, with the example layer of src/tools/gradcheck/ linked in.
DOUBLE_TOOLS  := $(BUILD)/gradcheck$(EXE)

# Exercises: exercises/NN_topic.c (+ .h), solutions/NN_topic.c, tests/exercise_NN.c
EXERCISES     := $(basename $(notdir $(wildcard exercises/[0-9][0-9]_*.c)))
EX_NUMBERS    := $(foreach e,$(EXERCISES),$(firstword $(subst _, ,$(e))))
# Exercises whose solution is here (all of them, except in a student handout)
SOLVED        := $(foreach n,$(EX_NUMBERS),$(if $(wildcard solutions/$(n)_*.c),$(n)))
# Every other tests/*.c with a main(): unit tests, gradient checks, lesson output checks
TEST_SRC      := $(filter-out tests/harness.c tests/exercise.c tests/exercise_%.c,$(wildcard tests/*.c))
# Tests that also run in float against the fast library (tests/X.c -> X_float)
FLOAT_TESTS   := fast_vs_naive unit_winograd unit_roofline
TEST_BINS     := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%$(EXE)) $(SOLVED:%=$(BUILD)/tests/exercise_%$(EXE)) \
                 $(FLOAT_TESTS:%=$(BUILD)/tests/%_float$(EXE))
CHECK_BINS    := $(EX_NUMBERS:%=$(BUILD)/check/exercise_%$(EXE))

.PHONY: expected all lib lessons-bin tools tests test lessons check hint reset progress grade gradcheck skeletons sanitize valgrind plots clean data mnist handout bench mnist-deep mnist-deep-bn claims
all: lib lessons-bin tools tests

lib: $(LIB_F) $(LIB_D) $(LIB_FAST)
lessons-bin: $(LESSON_BINS)
tools: $(TOOL_BINS)
tests: $(TEST_BINS)

# ---------------------------------------------------------------- the library
$(BUILD)/obj/float/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS_ALL) -c $< -o $@
$(BUILD)/obj/double/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS_ALL) -DREAL_DOUBLE -c $< -o $@
$(BUILD)/obj/fast/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(WARN) $(FAST_CFLAGS) -c $< -o $@
$(LIB_F): $(OBJ_F)
	$(AR) rcs $@ $^
$(LIB_D): $(OBJ_D)
	$(AR) rcs $@ $^
$(LIB_FAST): $(OBJ_FAST)
	$(AR) rcs $@ $^

# ---------------------------------------------------------------- lessons and tools
$(filter-out $(FLOAT_LESSONS:%=$(BUILD)/lessons/%$(EXE)),$(LESSON_BINS)): $(BUILD)/lessons/%$(EXE): lessons/%.c $(LIB_D)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS_ALL) -DREAL_DOUBLE -Isrc $< $(LIB_D) $(LDLIBS) -o $@
$(filter $(FLOAT_LESSONS:%=$(BUILD)/lessons/%$(EXE)),$(LESSON_BINS)): $(BUILD)/lessons/%$(EXE): lessons/%.c $(LIB_FAST)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(FAST_CFLAGS) -Isrc $< $(LIB_FAST) $(LDLIBS) -o $@
$(filter-out $(DOUBLE_TOOLS),$(TOOL_BINS)): $(BUILD)/%$(EXE): src/tools/%.c $(LIB_FAST)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(FAST_CFLAGS) $(TOOL_DEFS) -Isrc $< $(LIB_FAST) $(LDLIBS) -o $@
# make bench prints the flags it was built with
$(BUILD)/bench$(EXE): TOOL_DEFS = -DBENCH_FLAGS='"$(strip $(FAST_OPT))"'
$(BUILD)/gradcheck$(EXE): src/tools/gradcheck.c src/tools/gradcheck/my_layer.c $(LIB_D)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS_ALL) -DREAL_DOUBLE -Isrc -Isrc/tools $(filter %.c,$^) $(LIB_D) $(LDLIBS) -o $@

# make gradcheck SRC=my_layer.c [ARGS="--seed 2"]: your own layer (src/tools/gradcheck/my_layer.h)
# compiled against the checker into BUILD/gradcheck-own, and checked.
gradcheck: $(LIB_D)
	@if [ -z "$(SRC)" ]; then echo "usage: make gradcheck SRC=your_layer.c   (start from src/tools/gradcheck/my_layer.c)"; \
	  $(STOP_QUIETLY); fi
	@[ -f "$(SRC)" ] || { echo "make gradcheck: $(SRC): no such file"; $(STOP_QUIETLY); }
	@mkdir -p $(BUILD)
	@$(CC) $(EX_WARN) $(CFLAGS_ALL) -DREAL_DOUBLE -Isrc -Isrc/tools -Isrc/tools/gradcheck src/tools/gradcheck.c "$(SRC)" \
	  $(LIB_D) $(LDLIBS) -o $(BUILD)/gradcheck-own || { echo "make gradcheck: $(SRC) does not compile (see above)"; $(STOP_QUIETLY); }
	@$(EMULATOR) $(BUILD)/gradcheck-own --layer mine $(ARGS) || { $(STOP_QUIETLY); }

# ---------------------------------------------------------------- tests
$(BUILD)/obj/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS_ALL) -DREAL_DOUBLE -Isrc -Iexercises -c $< -o $@
$(filter-out $(BUILD)/tests/exercise_% $(BUILD)/tests/%_float$(EXE),$(TEST_BINS)): $(BUILD)/tests/%$(EXE): $(BUILD)/obj/tests/%.o $(BUILD)/obj/tests/harness.o $(LIB_D)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $^ $(LDLIBS) -o $@
$(BUILD)/obj/tests-float/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(WARN) $(FAST_CFLAGS) -Isrc -c $< -o $@
$(FLOAT_TESTS:%=$(BUILD)/tests/%_float$(EXE)): $(BUILD)/tests/%_float$(EXE): $(BUILD)/obj/tests-float/%.o $(BUILD)/obj/tests-float/harness.o $(LIB_FAST)
	@mkdir -p $(@D)
	$(CC) $(FAST_CFLAGS) $^ $(LDLIBS) -o $@

# One exercise, built twice: against the student's copy (for make check; its
# objects are in BUILD/check/obj, compiled with CHECK_SAN, the sanitizer
# flags tests/check.sh passes when the compiler has them) and, when the
# solution is here, against the solution (for make test). Both link the
# double library, so both are compiled with real = double.
CHECK_SAN   ?=
EX_DIR      ?= exercises
CHECK_BUILD ?= $(BUILD)/check
$(CHECK_BUILD)/obj/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS_ALL) $(CHECK_SAN) -DREAL_DOUBLE -Isrc -Iexercises -c $< -o $@
define check_rules
$(CHECK_BUILD)/obj/student_$(1).o: $(wildcard $(EX_DIR)/$(1)_*.c)
	@mkdir -p $$(@D)
	$$(CC) $$(EX_WARN) $$(CFLAGS_ALL) $$(CHECK_SAN) -DREAL_DOUBLE -Isrc -Iexercises -c $$< -o $$@
$(CHECK_BUILD)/exercise_$(1)$(EXE): $(CHECK_BUILD)/obj/exercise_$(1).o $(CHECK_BUILD)/obj/exercise.o $(CHECK_BUILD)/obj/exercise_values.o $(CHECK_BUILD)/obj/student_$(1).o $(LIB_D)
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS_ALL) $$(CHECK_SAN) $$^ $$(LDLIBS) -o $$@
endef
define solution_rules
$(BUILD)/obj/solutions/$(1).o: $(wildcard solutions/$(1)_*.c)
	@mkdir -p $$(@D)
	$$(CC) $$(WARN) $$(CFLAGS_ALL) -DREAL_DOUBLE -Isrc -Iexercises -c $$< -o $$@
$(BUILD)/tests/exercise_$(1)$(EXE): $(BUILD)/obj/tests/exercise_$(1).o $(BUILD)/obj/tests/exercise.o $(BUILD)/obj/tests/exercise_values.o $(BUILD)/obj/solutions/$(1).o $(LIB_D)
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS_ALL) $$^ $$(LDLIBS) -o $$@
# make test's checks keep their reference code (make expected records from them)
$(BUILD)/obj/tests/exercise_$(1).o: tests/exercise_$(1).c
	@mkdir -p $$(@D)
	$$(CC) $$(WARN) $$(CFLAGS_ALL) -DREAL_DOUBLE -DEXERCISE_REFERENCE -Isrc -Iexercises -c $$< -o $$@
endef
$(foreach n,$(EX_NUMBERS),$(eval $(call check_rules,$(n))))
$(foreach n,$(SOLVED),$(eval $(call solution_rules,$(n))))

# The judge of make check and make grade: a task's verdict from its reported
# values and the stored ones, in a program without the student's code.
JUDGE := $(BUILD)/exercise_judge$(EXE)
$(JUDGE): tests/exercise_judge.c tests/exercise_values.c tests/exercise_values.h
	@mkdir -p $(@D)
	$(CC) $(WARN) $(OPT) -g $(PLATFORM_CFLAGS) $(EXTRA_CFLAGS) tests/exercise_judge.c tests/exercise_values.c $(LDLIBS) -o $@
tests: $(JUDGE)
# make expected: tests/expected/exercise_NN.txt from the checks' reference code and
# the solutions (instructor's copy); make test fails while one is stale.
expected: $(SOLVED:%=$(BUILD)/tests/exercise_%$(EXE))
	@mkdir -p tests/expected
	@for n in $(SOLVED); do \
	  $(EMULATOR) $(BUILD)/tests/exercise_$$n$(EXE) --record tests/expected/exercise_$$n.txt.tmp > /dev/null || { echo "make expected: exercise $$n fails with its solution"; rm -f tests/expected/exercise_$$n.txt.tmp; exit 1; }; \
	  [ -s tests/expected/exercise_$$n.txt.tmp ] || { echo "make expected: exercise $$n recorded nothing"; rm -f tests/expected/exercise_$$n.txt.tmp; exit 1; }; \
	  mv tests/expected/exercise_$$n.txt.tmp tests/expected/exercise_$$n.txt || exit 1; \
	  echo "tests/expected/exercise_$$n.txt: $$(grep -c . tests/expected/exercise_$$n.txt) records"; done

# CC and TEST_CFLAGS: for tests/unit_real_mix.c and tests/checker.c, which compile small programs
# against the libraries (in make sanitize, with its flags).
# make test builds with one compiler per processor (make -jN, which make 3.81 honours too), unless
# make was already given -j (then its jobs are shared as usual); TEST_JOBS test programs run at once.
JOBS_FLAG = $(if $(findstring jobserver,$(MAKEFLAGS)),,-j$(NPROC))
test:
	@$(MAKE) --no-print-directory $(JOBS_FLAG) all
	@CC="$(CC)" TEST_CFLAGS="$(EXTRA_CFLAGS)" TEST_JOBS="$(if $(TEST_JOBS),$(TEST_JOBS),$(NPROC))" sh tests/run.sh $(BUILD)

# ---------------------------------------------------------------- students
# 10 and 12 train on MNIST, 14 looks inside a trained model, 15 trains dozens of networks: make
# mnist runs 10, make mnist-deep runs 12, 14 runs after either (build/lessons/14_what_it_sees),
# make claims runs 15.
lessons: lessons-bin
	@for l in $(LESSONS); do case $$l in 10_*|12_*|14_*|15_*) continue;; esac; \
	  echo; echo "################ $(BUILD)/lessons/$$l"; $(EMULATOR) $(BUILD)/lessons/$$l || exit 1; done

# tests/check.sh does the work. A failed check ends with its own last line
# and a non-zero status (141), without GNU make's "make: *** [...] Error 1",
# which reads like a build error: STOP_QUIETLY ends make with SIGPIPE, the
# one signal make and the shells end on without a word.
STOP_QUIETLY = kill -s PIPE $$PPID; exit 1
STUDENT_ENV  = BUILD="$(BUILD)" MAKE="$(MAKE)" CC="$(CC)" EXE="$(EXE)" EXTRA_CFLAGS="$(EXTRA_CFLAGS)"
check:
	@$(STUDENT_ENV) sh tests/check.sh check "$(EX)" || { $(STOP_QUIETLY); }
hint:
	@$(STUDENT_ENV) sh tests/check.sh hint "$(EX)" || { $(STOP_QUIETLY); }
reset:
	@$(STUDENT_ENV) sh tests/check.sh reset "$(EX)" || { $(STOP_QUIETLY); }
progress:
	@$(STUDENT_ENV) sh tests/check.sh progress
# make grade DIR=submissions [EX=05,06] [POINTS=05=2,06.3=4]: a folder per run with a CSV of
# points per task and a feedback file per student (tests/grade.sh, notes/INSTRUCTORS.md)
grade: $(LIB_D)
	@$(STUDENT_ENV) WARN="$(WARN)" EX_WARN="$(EX_WARN)" GRADE_EX="$(EX)" GRADE_POINTS="$(POINTS)" \
	  sh tests/grade.sh "$(DIR)" || { $(STOP_QUIETLY); }
# make similarity DIR=submissions [EX=05,06] [ARGS="--threshold 30"]: the pairs of students whose
# exercise files share the most code, by winnowing (src/tools/similarity.c), the skeleton ignored
.PHONY: similarity
similarity: $(BUILD)/similarity
	@BUILD="$(BUILD)" SIMILARITY_EX="$(EX)" SIMILARITY_ARGS="$(ARGS)" sh src/tools/similarity.sh "$(DIR)" || { $(STOP_QUIETLY); }

skeletons: lib
	@sh tests/skeletons.sh $(BUILD) "$(EX_NUMBERS)" "$(CC)"

# ---------------------------------------------------------------- quality
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
sanitize:
	@$(MAKE) --no-print-directory test BUILD=$(BUILD)/sanitize OPT=-O1 EXTRA_CFLAGS="$(SAN_FLAGS)"

# Valgrind does not know every instruction of every CPU (AVX-512, for one): its build
# keeps the fast flags but not -march=native, in a tree of its own. Valgrind follows no child
# process: a program a test starts (a lesson, build/predict) runs natively there. So every
# lesson then runs under valgrind itself; those that need MNIST (10, 12, 14, 15, 16) on the tiny
# data sets their tests leave in VALGRIND_BUILD/tmp/lesson_NN (missing: the lesson fails, and so
# does this target), with their tests' small settings; lesson 10 saves a model that
# build/predict then reads. Every lesson is counted: none is skipped.
VALGRIND_BUILD := $(BUILD)/valgrind
VALGRIND_RUN   := valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=all
valgrind:
	@$(MAKE) --no-print-directory all BUILD=$(VALGRIND_BUILD) FAST_OPT="$(filter-out -march=native,$(FAST_OPT))"
	@CC="$(CC)" RUNNER="$(VALGRIND_RUN)" sh tests/run.sh $(VALGRIND_BUILD)
	@n=0; for l in $(LESSONS); do t="$(VALGRIND_BUILD)/tmp/lesson_$${l%%_*}"; set --; case $$l in \
	  10_*) set -- --progress none --data "$$t/data" --epochs 1 --save "$$t/valgrind.model";; \
	  11_*) set -- --quick;; \
	  12_*) set -- --progress none --data "$$t/data" --net small --epochs 1 --batch 16 --validation 40;; \
	  14_*) set -- --model "$$t/tiny.model" --data "$$t/data" --out "$$t/valgrind_out" --test-index 3 --mistakes 5 --threads 1;; \
	  15_*) set -- --data "$$t/data" --quick --seeds 1 --max-epochs 1;; \
	  16_*) set -- --data "$$t/data" --seeds 2 --validation 50 --batch 16 --epochs 2;; esac; \
	  $(VALGRIND_RUN) $(VALGRIND_BUILD)/lessons/$$l "$$@" > /dev/null \
	  || { echo "valgrind: $$l reported errors (or failed)"; exit 1; }; n=$$((n + 1)); done; \
	  t="$(VALGRIND_BUILD)/tmp/lesson_10"; \
	  $(VALGRIND_RUN) $(VALGRIND_BUILD)/predict "$$t/valgrind.model" --test-index 0 --data "$$t/data" > /dev/null \
	  || { echo "valgrind: build/predict reported errors (or failed)"; exit 1; }; \
	  echo "valgrind: all $$n lessons and build/predict clean"

# make fuzz [FUZZ_SECONDS=60]: every reader of outside bytes fuzzed with libFuzzer under ASan +
# UBSan: each tests/fuzz/fuzz_NAME.c is built with clang against the double library's sources
# and run for FUZZ_SECONDS from its seeds tests/fuzz/corpus_NAME/ (what it finds new goes to
# BUILD/fuzz/corpus_NAME, a crash's input to BUILD/fuzz/). Skipped with one line where the
# compiler has no libFuzzer (Debian: libclang-rt-14-dev).
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 5
FUZZ_BUILD   := $(BUILD)/fuzz
FUZZ_TMP     ?= $(shell [ -d /dev/shm ] && [ -w /dev/shm ] && echo /dev/shm || echo $(FUZZ_BUILD))
FUZZ_SAN     := address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  := -O1 -g -DREAL_DOUBLE -std=c11 -Wall -Wextra -Werror
FUZZ_NAMES   := $(basename $(notdir $(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_OBJ     := $(LIB_SRC:src/%.c=$(FUZZ_BUILD)/obj/%.o)
$(FUZZ_BUILD)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,$(FUZZ_SAN) -c $< -o $@
$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJ) $(wildcard tests/fuzz/*.h)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer,$(FUZZ_SAN) -Isrc -Isrc/tools -Itests/fuzz $< $(FUZZ_OBJ) $(LDLIBS) -o $@
.SECONDARY: $(FUZZ_OBJ)
.PHONY: fuzz fuzz-run
fuzz:
	@mkdir -p $(FUZZ_BUILD)
	@printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; return (int)n * 0; }\n' \
	  > $(FUZZ_BUILD)/probe.c
	@if $(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_BUILD)/probe.c -o $(FUZZ_BUILD)/probe > /dev/null 2>&1; then \
	  $(MAKE) --no-print-directory fuzz-run; \
	else echo "make fuzz: skipped: $(FUZZ_CC) cannot link -fsanitize=fuzzer (no libFuzzer here; Debian: libclang-rt-14-dev)"; fi
fuzz-run: $(FUZZ_NAMES:%=$(FUZZ_BUILD)/%)
	@for t in $(FUZZ_NAMES); do name=$${t#fuzz_}; mkdir -p $(FUZZ_BUILD)/corpus_$$name; \
	  FUZZ_DIR=$(FUZZ_TMP) $(FUZZ_BUILD)/$$t -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -timeout=20 \
	    -artifact_prefix=$(FUZZ_BUILD)/$$t- $(FUZZ_BUILD)/corpus_$$name tests/fuzz/corpus_$$name \
	    > $(FUZZ_BUILD)/$$t.log 2>&1 \
	  || { tail -n 40 $(FUZZ_BUILD)/$$t.log; echo "make fuzz: $$t failed (log: $(FUZZ_BUILD)/$$t.log)"; exit 1; }; \
	  echo "$$t: $$(grep -o 'Done [0-9]* runs in [0-9]* second(s)' $(FUZZ_BUILD)/$$t.log), nothing found"; done

# ---------------------------------------------------------------- MNIST (lesson 10)
data:
	@sh src/tools/fetch_data.sh mnist data/mnist

# make mnist EX=all (or EX=01, ..., EX=none) [ARGS="--epochs 1"]: the same network trained with your
# own functions from the solved exercises (tests/mnist_yours.sh, src/tools/yours/).
ifeq ($(EX),)
mnist: data $(BUILD)/lessons/10_mnist$(EXE)
	$(EMULATOR) $(BUILD)/lessons/10_mnist --data data/mnist --history $(BUILD)/mnist_history.csv --save $(BUILD)/mnist.model
else
mnist:
	@$(STUDENT_ENV) sh tests/mnist_yours.sh "$(EX)" $(ARGS) || { $(STOP_QUIETLY); }
endif

# ---------------------------------------------------------------- the deeper network (lessons 12, 13)
# Doshi's network, trained as lesson 12 says (Adam, a shrinking learning rate, images moved by
# a pixel); mnist-deep-bn: the same with batch normalisation after each conv and the dense layer.
DEEP_FLAGS ?=
mnist-deep: data $(BUILD)/lessons/12_deeper$(EXE)
	$(EMULATOR) $(BUILD)/lessons/12_deeper --data data/mnist --net doshi --history $(BUILD)/mnist-deep_history.csv \
	  --save $(BUILD)/mnist-deep.model $(DEEP_FLAGS)
mnist-deep-bn: data $(BUILD)/lessons/12_deeper$(EXE)
	$(EMULATOR) $(BUILD)/lessons/12_deeper --data data/mnist --net doshi-bn --history $(BUILD)/mnist-deep-bn_history.csv \
	  --save $(BUILD)/mnist-deep-bn.model $(DEEP_FLAGS)

# ---------------------------------------------------------------- the sources' claims (lesson 15)
# make claims: every experiment of lesson 15, each table as it goes, every number into
# build/15_claims.csv (make plots draws its curves); QUICK=1: on subsets, in a few minutes.
claims: data $(BUILD)/lessons/15_claims$(EXE)
	$(EMULATOR) $(BUILD)/lessons/15_claims --data data/mnist --csv $(BUILD)/15_claims.csv $(if $(QUICK),--quick)

# ---------------------------------------------------------------- training fast (lesson 16)
# make speedrun: lesson 16's recipe from 5 seeds, the test accuracy and training time of each, their
# mean and sd, the machine; QUICK=1: the quick recipe. ABLATION=1: lesson 10's recipe, then one
# ingredient added at a time (with QUICK=1: towards the quick recipe). TORCH=1: then the same recipe in
# PyTorch (src/tools/speedrun_torch.py, run as make bench runs PyTorch), its accuracy and time.
# The curve (validation accuracy after every epoch) goes to a file of each form's own: make plots
# draws build/speedrun_curve.csv as the full speedrun's, so QUICK=1 and ABLATION=1 must not replace it.
SPEEDRUN_CURVE = $(BUILD)/speedrun$(if $(QUICK),_quick)$(if $(ABLATION),_ablation)_curve.csv
.PHONY: speedrun
speedrun: data $(BUILD)/lessons/16_train_fast$(EXE)
	$(EMULATOR) $(BUILD)/lessons/16_train_fast --data data/mnist $(if $(QUICK),,--full) $(if $(ABLATION),--ablation) \
	  --curve $(SPEEDRUN_CURVE)
	@if [ -n "$(TORCH)" ]; then TORCH_SCRIPT=src/tools/speedrun_torch.py sh src/tools/bench_torch.sh $(BUILD) \
	  --data data/mnist $(if $(QUICK),--quick) || echo "speedrun: PyTorch's run failed or PyTorch is missing"; fi

# ---------------------------------------------------------------- a second data set: Fashion-MNIST
# make data-fashion: the four files (Debian's dataset-fashion-mnist: installed when root, else
# unpacked without installing; then Zalando's mirror) verified by SHA-256 into data/fashion-mnist/,
# with classes.txt, the names the trainers and build/predict print instead of digits.
# make fashion: lesson 16's trainer with its Fashion-MNIST recipe (--fashion: two 3x3 convolutions
# and a dense layer with batch normalisation, one-cycle Nesterov, label smoothing, moves and
# left-right mirrors, test-time augmentation), one seed, validation on the last 5,000 training images.
# make fashion-deep: lesson 12's trainer, as make fashion ran before: two convolutions and a dense
# layer (Doshi's network made smaller), 5 epochs. notes/10_mnist.md, "A second data set: Fashion-MNIST".
.PHONY: data-fashion fashion fashion-deep
FASHION_NET   ?= conv 32 5, relu, maxpool 2, conv 64 3, relu, maxpool 2, flatten, dense 128, relu, dense 10, softmax
FASHION_FLAGS ?= --epochs 5 --shift 0 --lr-decay 0.8
data-fashion:
	@sh src/tools/fetch_data.sh fashion-mnist data/fashion-mnist
fashion: data-fashion $(BUILD)/lessons/16_train_fast$(EXE)
	$(EMULATOR) $(BUILD)/lessons/16_train_fast --data data/fashion-mnist --fashion --seeds 1
fashion-deep: data-fashion $(BUILD)/lessons/12_deeper$(EXE)
	$(EMULATOR) $(BUILD)/lessons/12_deeper --data data/fashion-mnist --net "$(FASHION_NET)" $(FASHION_FLAGS) \
	  --history $(BUILD)/fashion_history.csv --save $(BUILD)/fashion.model

# ---------------------------------------------------------------- speed (lesson 11)
# make bench: the machine's peak, GEMM, the conv layers, lesson 10's and Doshi's networks, ours
# beside PyTorch in the same run, then the targets' rows again in ROUNDS paired rounds (default 5;
# PyTorch's and ours back to back), judged on their median (several minutes); make bench QUICK=1:
# tiny sizes, no PyTorch.
bench: $(BUILD)/bench$(EXE)
	@$(EMULATOR) $(BUILD)/bench $(if $(QUICK),--quick,--torch "sh src/tools/bench_torch.sh $(BUILD)") \
	  $(if $(ROUNDS),--rounds $(ROUNDS)) --csv $(BUILD)/bench.csv --data data/mnist

plots: lessons-bin
	@sh tests/plots.sh $(BUILD)

# ---------------------------------------------------------------- the student archive
# Everything but solutions/ and the instructors' notes (notes/INSTRUCTORS.md: the quiz
# answers), with README.md's instructors' section and its path to solutions/ taken out, as a
# tarball, after proving that it builds and that its tests pass on their own.
HANDOUT := $(BUILD)/handout/cnn-from-scratch
handout:
	@rm -rf $(BUILD)/handout && mkdir -p $(HANDOUT)
	@cp -R Makefile lessons exercises src tests notes $(HANDOUT)/
	@rm -f $(HANDOUT)/notes/INSTRUCTORS.md
	@for f in tests/exercise_[0-9][0-9].c; do sh tests/strip_reference.sh $$f > $(HANDOUT)/$$f || exit 1; done
	@! grep -l -e '^[[:space:]]*#[[:space:]]*if.*EXERCISE_REFERENCE' $(HANDOUT)/tests/exercise_[0-9][0-9].c \
	  || { echo "handout: the checks above still hold reference code"; exit 1; }
	@awk '/^## For instructors/ { skip = 1; next } /^## / { skip = 0 } !skip' README.md | \
	  sed -e 's/a set of five files/a set of four files/' -e 's/, its solution `solutions\/NN_x\.c`,$$//' > $(HANDOUT)/README.md
	@! grep -n -e 'solutions/' -e 'INSTRUCTORS' -e '^## For instructors' $(HANDOUT)/README.md \
	  || { echo "handout: README.md above still points to solutions/ or the instructors' notes"; exit 1; }
	@mkdir -p $(HANDOUT)/exercises/.original && cp exercises/[0-9][0-9]_*.c $(HANDOUT)/exercises/.original/
	@printf '/build/\n/data/\n' > $(HANDOUT)/.gitignore
	@$(MAKE) --no-print-directory -C $(HANDOUT) -s test > $(BUILD)/handout/test.log 2>&1 \
	  || { tail -n 20 $(BUILD)/handout/test.log; echo "handout: its own make test failed"; exit 1; }
	@rm -rf $(HANDOUT)/build
	@tar -C $(BUILD)/handout -czf $(BUILD)/cnn-from-scratch-handout.tar.gz cnn-from-scratch
	@echo "handout: $(BUILD)/cnn-from-scratch-handout.tar.gz (no solutions/; its make test: $$(tail -n 1 $(BUILD)/handout/test.log))"

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
