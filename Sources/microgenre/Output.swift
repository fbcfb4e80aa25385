import MicrogenreCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

nonisolated(unsafe) private let standardOutput = fdopen(1, "w")!
nonisolated(unsafe) private let standardError = fdopen(2, "w")!

/// Buffered writes to standard output and standard error.
enum Output {
    /// Writes `text` and a newline to standard output.
    static func line(_ text: String) {
        var copy = text
        copy.withUTF8 { _ = fwrite($0.baseAddress, 1, $0.count, standardOutput) }
        fputc(0x0A, standardOutput)
    }

    /// Writes raw bytes and a newline to standard output.
    static func line(bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { _ = fwrite($0.baseAddress, 1, $0.count, standardOutput) }
        fputc(0x0A, standardOutput)
    }

    /// Writes `text` and a newline to standard error.
    static func error(_ text: String) {
        fflush(standardOutput)
        fputs(text + "\n", standardError)
        fflush(standardError)
    }

    /// Prints `error` once as an error: as it describes itself when that already reads
    /// `PLACE: error: message`, else as `error: message`; `suffix` follows it.
    static func failure(_ error: any Error, suffix: String = "") {
        let text = "\(error)"
        let placed = text.hasPrefix("error:") || text.contains(": error: ")
        Output.error((placed ? text : "error: " + text) + suffix)
    }

    /// Whether standard error is a terminal (progress is shown only then).
    static var stderrIsTerminal: Bool { isatty(2) != 0 }

    /// Seconds on a monotonic clock.
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// The size of a feed's XML in bytes: for gzip files the size recorded in the trailer
    /// (modulo 4 GiB, as gzip stores it), otherwise the file size.
    static func uncompressedSize(_ path: String) -> Int? {
        guard let size = fileSize(path), size >= 18, let file = fopen(path, "rb") else { return fileSize(path) }
        defer { fclose(file) }
        var magic = [UInt8](repeating: 0, count: 2)
        guard fread(&magic, 1, 2, file) == 2, magic == [0x1F, 0x8B] else { return size }
        var trailer = [UInt8](repeating: 0, count: 4)
        fseek(file, -4, SEEK_END)
        guard fread(&trailer, 1, 4, file) == 4 else { return size }
        return Int(trailer[0]) | Int(trailer[1]) << 8 | Int(trailer[2]) << 16 | Int(trailer[3]) << 24
    }

    /// The size of a file in bytes, or nil.
    static func fileSize(_ path: String) -> Int? {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : nil
    }
}

/// A one-line progress report on standard error, redrawn at most ten times a second and only
/// when standard error is a terminal.
struct Progress {
    private let enabled = Output.stderrIsTerminal
    private var lastDraw = 0.0
    private let label: String

    init(_ label: String) { self.label = label }

    mutating func update(done: Int, total: Int?, detail: String) {
        guard enabled else { return }
        let now = Output.now()
        guard now - lastDraw >= 0.1 else { return }
        lastDraw = now
        var text = "\r\(label) "
        if let total, total > 0 {
            let fraction = min(1, Double(done) / Double(total))
            let width = 30
            let filled = Int(fraction * Double(width))
            text += "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
            text += "\(Int(fraction * 100))% "
        }
        text += detail + "\u{1B}[K"
        fputs(text, standardError)
        fflush(standardError)
    }

    func finish() {
        if enabled {
            fputs("\r\u{1B}[K", standardError)
            fflush(standardError)
        }
    }
}

/// A ``Progress`` that worker threads may update.
final class SharedProgress: Sendable {
    private let progress: Mutex<Progress>

    init(_ label: String) { progress = Mutex(Progress(label)) }

    func update(done: Int, total: Int) {
        progress.withLock { $0.update(done: done, total: total, detail: "\(done.grouped) of \(total.grouped) titles") }
    }

    func finish() { progress.withLock { $0.finish() } }
}
