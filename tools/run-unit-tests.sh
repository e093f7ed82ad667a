#!/bin/sh
# Run each host unit-test binary, show its output, and sum up. Each binary
# ends with a line "N passed, N failed" (tests/unit/unit.h).
passed=0
failed=0
broken=""
for t in "$@"; do
	name=$(basename "$t")
	out=$(ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 "$t" 2>&1)
	rc=$?
	echo "$out" | sed "s/^/[$name] /"
	line=$(echo "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
	if [ $rc -ne 0 ] || [ -z "$line" ]; then
		broken="$broken $name"
	fi
	if [ -n "$line" ]; then
		p=$(echo "$line" | cut -d' ' -f1)
		f=$(echo "$line" | cut -d' ' -f3)
		passed=$((passed + p))
		failed=$((failed + f))
	fi
done
echo "unit tests: $passed passed, $failed failed"
if [ -n "$broken" ]; then
	echo "unit tests failing or crashing:$broken"
	exit 1
fi
