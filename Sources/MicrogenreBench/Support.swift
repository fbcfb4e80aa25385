#if canImport(Glibc)
    import Glibc
#endif

struct BenchError: Error, CustomStringConvertible {
    var description: String
}

/// Seconds on a monotonic clock.
func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// The value after `flag` in `arguments`, if any.
func option(_ flag: String, in arguments: [String]) -> String? {
    guard let index = arguments.firstIndex(of: flag), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

/// Arguments that are neither flags nor flag values.
func positional(_ arguments: [String]) -> [String] {
    var result: [String] = []
    var skip = false
    for argument in arguments {
        if skip {
            skip = false
        } else if argument.hasPrefix("--") {
            skip = true
        } else {
            result.append(argument)
        }
    }
    return result
}

/// What a child process reported, with its peak resident memory.
struct ChildResult {
    var output: String
    var maxRSSBytes: Int
}

/// Runs this executable again with `arguments`, pinned to one core, and returns its standard
/// output and peak memory (from `wait4`'s resource usage).
func runChild(_ arguments: [String]) throws -> ChildResult {
    let executable = CommandLine.arguments[0]
    guard let run = spawnCapturing([executable] + arguments, searchPath: false) else {
        throw BenchError(description: "cannot run \(executable)")
    }
    guard run.status == 0 else {
        throw BenchError(description: "\(arguments.joined(separator: " ")) failed (\(run.status))")
    }
    return ChildResult(output: run.output, maxRSSBytes: run.usage.ru_maxrss * 1024)
}

/// Runs `arguments` (the program first, looked up on PATH when `searchPath` is set) and returns
/// its standard output, exit status and resource usage, or nil when it cannot be started.
func spawnCapturing(_ arguments: [String], searchPath: Bool) -> (output: String, status: Int32, usage: rusage)? {
    var pipe: [Int32] = [0, 0]
    guard Glibc.pipe(&pipe) == 0 else { return nil }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_adddup2(&actions, pipe[1], 1)
    posix_spawn_file_actions_addclose(&actions, pipe[0])
    let argv = arguments.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let spawned =
        searchPath
        ? posix_spawnp(&pid, arguments[0], &actions, nil, argv, environ)
        : posix_spawn(&pid, arguments[0], &actions, nil, argv, environ)
    posix_spawn_file_actions_destroy(&actions)
    close(pipe[1])
    guard spawned == 0 else {
        close(pipe[0])
        return nil
    }
    var output: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = read(pipe[0], &buffer, buffer.count)
        if n <= 0 { break }
        output += buffer[0..<n]
    }
    close(pipe[0])
    var status: Int32 = 0
    var usage = rusage()
    wait4(pid, &status, 0, &usage)
    return (String(decoding: output, as: UTF8.self), status, usage)
}

@_silgen_name("sched_setaffinity")
private func setAffinity(_ pid: pid_t, _ size: Int, _ mask: UnsafeRawPointer) -> Int32

/// Pins the process to CPU 1 so that a pass runs on one core (`sched_setaffinity`, which
/// Swift's Glibc module does not import).
func pinToOneCore() {
    var mask = [UInt64](repeating: 0, count: 16)  // a 1024-CPU cpu_set_t
    mask[0] = 2  // CPU 1: CPU 0 takes most of the machine's interrupts
    _ = mask.withUnsafeBytes { setAffinity(0, $0.count, $0.baseAddress!) }
}

/// Runs `body` `runs` times; the median seconds and what the last run returned.
func medianTime(runs: Int, _ body: () -> Int) -> (seconds: Double, result: Int) {
    var seconds: [Double] = []
    var result = 0
    for _ in 0..<runs {
        let start = now()
        result = body()
        seconds.append(now() - start)
    }
    return (median(seconds), result)
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

func fixed(_ value: Double, _ digits: Int = 1) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    if digits == 0, rounded.magnitude < 1e15 { return String(Int(rounded)) }
    var text = "\(rounded)"
    if let dot = text.firstIndex(of: ".") {
        let decimals = text.distance(from: dot, to: text.endIndex) - 1
        if decimals < digits { text += String(repeating: "0", count: digits - decimals) }
    }
    return text
}

func padded(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
}

func fileSize(_ path: String) -> Int? {
    var info = stat()
    return stat(path, &info) == 0 ? Int(info.st_size) : nil
}

/// The value below which a share `p` of `values` falls (nearest rank).
func percentile(_ values: [Double], _ p: Double) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

/// p50, p95 and p99 of `values`, padded for a table.
func percentiles(_ values: [Double]) -> String {
    padded(fixed(percentile(values, 0.5), 3), 9) + padded(fixed(percentile(values, 0.95), 3), 9)
        + padded(fixed(percentile(values, 0.99), 3), 9)
}
