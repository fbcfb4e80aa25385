import MicrogenreCore

#if canImport(Glibc)
    import Glibc
#endif

/// An index on disk: a directory holding segment files and a `CURRENT` file that names the
/// live one. A new index is written beside the old one and `CURRENT` is replaced atomically
/// (write, fsync, rename), so readers always see a complete index and a writer killed at any
/// point leaves the previous one readable. A lock file keeps a second writer out.
public struct IndexDirectory: Sendable {
    /// The directory.
    public let path: String

    /// Names an index directory (it need not exist yet).
    public init(path: String) { self.path = path }

    /// The live segment, or nil when nothing was indexed yet.
    public func currentSegmentPath() throws -> String? {
        let current = "\(path)/CURRENT"
        guard FileSystem.exists(current) else { return nil }
        let name = try FileSystem.readText(current).trimmingCharacters
        guard !name.isEmpty, !name.contains("/") else {
            throw IndexError(path: current, "does not name a segment file")
        }
        return "\(path)/\(name)"
    }

    /// Opens the live segment.
    public func open() throws -> Segment {
        guard FileSystem.isDirectory(path) else {
            throw IndexError(path: path, "no index here: build one with `microgenre index FEED...`")
        }
        guard let segment = try currentSegmentPath() else {
            throw IndexError(path: path, "no index here: build one with `microgenre index FEED...`")
        }
        return try Segment(path: segment)
    }

    /// Writes `segment` as the new live index, then removes the segments it replaced.
    public func publish(_ segment: [UInt8]) throws {
        try update { _ in segment }
    }

    /// Builds and publishes a new live index while holding the writer lock the whole time, so
    /// the read-modify-write of an upsert cannot lose another writer's changes. `build` gets a
    /// function that opens the live segment (nil when there is none yet).
    public func update(_ build: (_ current: () throws -> Segment?) throws -> [UInt8]) throws {
        try FileSystem.createDirectory(path)
        let lock = try acquireLock()
        defer { close(lock) }
        let segment = try build { try currentSegmentPath().map { try Segment(path: $0) } }
        let generation = (try? currentSegmentPath()).flatMap { $0 }.flatMap { Self.generation(of: $0) } ?? 0
        let name = "segment-\(generation + 1).mgix"
        try FileSystem.write(segment, to: "\(path)/\(name)")
        try FileSystem.write(Array((name + "\n").utf8), to: "\(path)/CURRENT")
        syncDirectory()
        // Older segments, and temporary files a killed writer left behind.
        for old in try FileSystem.list(path)
        where (old.hasPrefix("segment-") || old.hasPrefix("CURRENT.tmp")) && old != name {
            unlink("\(path)/\(old)")
        }
    }

    /// Takes the writer lock (`flock` on `write.lock`), or fails naming the holder.
    private func acquireLock() throws -> Int32 {
        let lockPath = "\(path)/write.lock"
        let descriptor = Glibc.open(lockPath, O_RDWR | O_CREAT, 0o644)
        guard descriptor >= 0 else {
            throw IndexError(path: lockPath, "cannot open: \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 32)
            let n = read(descriptor, &buffer, buffer.count)
            close(descriptor)
            let holder = n > 0 ? String(decoding: buffer[..<n], as: UTF8.self).trimmingCharacters : "another process"
            throw IndexError(path: lockPath, "another writer holds the index (pid \(holder)); wait for it to finish")
        }
        ftruncate(descriptor, 0)
        let pid = Array("\(getpid())\n".utf8)
        _ = pid.withUnsafeBufferPointer { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        return descriptor
    }

    private func syncDirectory() {
        let descriptor = Glibc.open(path, O_RDONLY)
        if descriptor >= 0 {
            fsync(descriptor)
            close(descriptor)
        }
    }

    static func generation(of segmentPath: String) -> Int? {
        let name = segmentPath.split(separator: "/").last ?? ""
        guard name.hasPrefix("segment-"), name.hasSuffix(".mgix") else { return nil }
        return Int(name.dropFirst("segment-".count).dropLast(".mgix".count))
    }
}

extension String {
    fileprivate var trimmingCharacters: String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return String(s)
    }
}
