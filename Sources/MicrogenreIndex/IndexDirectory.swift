import MicrogenreCore

#if canImport(Glibc)
    import Glibc
#endif

/// An index on disk: a directory holding immutable segment files, their deletion files, and a
/// `CURRENT` file that lists the live ones. Every change writes new files beside the old ones
/// and replaces `CURRENT` atomically (write, fsync, rename), so readers always see a complete
/// snapshot and a writer killed at any point leaves the previous one readable. A lock file keeps
/// a second writer out. See FORMAT.md.
public struct IndexDirectory: Sendable {
    /// The directory.
    public let path: String

    /// One live segment and its deletion file, as `CURRENT` lists them.
    public struct Entry: Sendable, Equatable {
        /// The segment file's name.
        public var segment: String
        /// The deletion file's name, if the segment has deleted titles.
        public var deletions: String?
    }

    /// What an update does, decided by ``update(_:)``'s `build` from the current snapshot.
    public struct Change {
        /// Drop every current segment (a full rebuild or a merge).
        public var replaceAll = false
        /// Documents of the current snapshot to delete (replaced or removed titles).
        public var deletions: [Int] = []
        /// A new segment to add.
        public var segment: [UInt8]?

        /// Creates a change.
        public init(replaceAll: Bool = false, deletions: [Int] = [], segment: [UInt8]? = nil) {
            self.replaceAll = replaceAll
            self.deletions = deletions
            self.segment = segment
        }
    }

    /// Names an index directory (it need not exist yet).
    public init(path: String) { self.path = path }

    /// The live segments, oldest first; empty when nothing was indexed yet.
    public func entries() throws -> [Entry] {
        let current = "\(path)/CURRENT"
        guard FileSystem.exists(current) else { return [] }
        var entries: [Entry] = []
        for (number, line) in try FileSystem.readText(current).split(separator: "\n").enumerated() {
            let fields = line.split(separator: " ")
            guard (1...2).contains(fields.count), fields.allSatisfy({ !$0.contains("/") }),
                fields[0].hasPrefix("segment-")
            else {
                throw IndexError(path: "\(current):\(number + 1)", "does not name a segment file")
            }
            entries.append(Entry(segment: String(fields[0]), deletions: fields.count == 2 ? String(fields[1]) : nil))
        }
        guard !entries.isEmpty else { throw IndexError(path: current, "does not name a segment file") }
        return entries
    }

    /// Opens the live snapshot: every segment with its deletions.
    public func open() throws -> IndexReader {
        guard FileSystem.isDirectory(path) else {
            throw IndexError(path: path, "no index here: build one with `microgenre index FEED...`")
        }
        var entries = try entries()
        guard !entries.isEmpty else {
            throw IndexError(path: path, "no index here: build one with `microgenre index FEED...`")
        }
        // A writer may publish between reading CURRENT and opening the files it listed, and then
        // remove them: when CURRENT has changed meanwhile, open the newer snapshot instead.
        for _ in 0..<5 {
            do {
                return try reader(entries)
            } catch {
                let now = try self.entries()
                guard now != entries else { throw error }
                entries = now
            }
        }
        return try reader(entries)
    }

    private func reader(_ entries: [Entry]) throws -> IndexReader {
        var segments: [Segment] = []
        var deletions: [DeletionSet?] = []
        for entry in entries {
            let segment = try Segment(path: "\(path)/\(entry.segment)")
            segments.append(segment)
            deletions.append(
                try entry.deletions.map { try DeletionSet(path: "\(path)/\($0)", documentCount: segment.count) })
        }
        return IndexReader(segments: segments, deletions: deletions)
    }

    /// Makes `segment` the whole index, replacing every segment there was.
    public func publish(_ segment: [UInt8]) throws {
        try update { _ in Change(replaceAll: true, segment: segment) }
    }

    /// Changes the index while holding the writer lock the whole time, so the read-modify-write
    /// of an upsert cannot lose another writer's changes. `build` gets a function that opens the
    /// live snapshot (nil when there is none yet) and returns the change to commit: new
    /// segment files and deletion files are written first, then `CURRENT` is replaced, then
    /// files no longer listed are removed.
    public func update(_ build: (_ current: () throws -> IndexReader?) throws -> Change) throws {
        try FileSystem.createDirectory(path)
        let lock = try acquireLock()
        defer { close(lock) }
        let old = try entries()
        var opened: IndexReader?
        let change = try build {
            if opened == nil && !old.isEmpty { opened = try reader(old) }
            return opened
        }
        var generation = (old.compactMap { Self.generation(of: $0.segment) }.max() ?? 0) + 1
        for name in try FileSystem.list(path) {
            if let g = Self.generation(of: name) { generation = max(generation, g + 1) }
        }
        var entries: [Entry] = []
        if !change.replaceAll && !old.isEmpty {
            let snapshot = try opened ?? reader(old)
            var fresh = snapshot.deletions
            for doc in change.deletions {
                let k = snapshot.segmentIndex(of: doc)
                if fresh[k] == nil { fresh[k] = DeletionSet(documentCount: snapshot.segments[k].count) }
                fresh[k]!.insert(doc - snapshot.bases[k])
            }
            for (k, entry) in old.enumerated() {
                guard let set = fresh[k], set != snapshot.deletions[k] else {
                    entries.append(entry)
                    continue
                }
                if set.count == set.documentCount { continue }  // nothing live is left in it
                let name = "deletes-\(Self.generation(of: entry.segment) ?? 0)-\(generation).mgdl"
                try FileSystem.write(set.encoded(), to: "\(path)/\(name)")
                entries.append(Entry(segment: entry.segment, deletions: name))
            }
        }
        if let segment = change.segment {
            let name = "segment-\(generation).mgix"
            try FileSystem.write(segment, to: "\(path)/\(name)")
            entries.append(Entry(segment: name, deletions: nil))
        }
        let listing = entries.map { $0.segment + ($0.deletions.map { " " + $0 } ?? "") + "\n" }.joined()
        try FileSystem.write(Array(listing.utf8), to: "\(path)/CURRENT")
        syncDirectory()
        // Files no longer listed, temporary files a killed writer left behind, and caches
        // derived from the previous snapshot (genres-*.cache).
        let live = Set(entries.flatMap { [$0.segment] + ($0.deletions.map { [$0] } ?? []) })
        for name in try FileSystem.list(path)
        where
            (name.hasPrefix("segment-") || name.hasPrefix("deletes-") || name.hasPrefix("CURRENT.tmp")
            || name.hasPrefix("genres-"))
            && !live.contains(name)
        {
            unlink("\(path)/\(name)")
        }
    }

    /// Takes the writer lock (`flock` on `write.lock`), or fails naming the holder.
    private func acquireLock() throws -> Int32 {
        let lockPath = "\(path)/write.lock"
        let descriptor = Glibc.open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
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
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        if descriptor >= 0 {
            fsync(descriptor)
            close(descriptor)
        }
    }

    /// The generation in a file name: N of `segment-N.mgix`, G of `deletes-S-G.mgdl`.
    static func generation(of file: String) -> Int? {
        let name = file.split(separator: "/").last ?? ""
        if name.hasPrefix("segment-"), name.hasSuffix(".mgix") {
            return Int(name.dropFirst("segment-".count).dropLast(".mgix".count))
        }
        if name.hasPrefix("deletes-"), name.hasSuffix(".mgdl") {
            return name.dropLast(".mgdl".count).split(separator: "-").last.flatMap { Int($0) }
        }
        return nil
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
