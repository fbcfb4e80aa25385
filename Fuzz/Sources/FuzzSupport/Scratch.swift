#if canImport(Glibc)
    import Glibc
#endif

/// A scratch directory for one fuzzing process (under /dev/shm when there is one), reused for
/// every input: parsers that read a path get the input written to a file there.
public enum Scratch {
    /// The directory, made on first use.
    public static let directory: String = {
        let root = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
        let path = "\(root)/microgenre-fuzz-\(getpid())"
        mkdir(path, 0o700)
        atexit {
            // Best effort: the files fuzzing left behind, then the directory.
            if let handle = opendir(Scratch.directory) {
                while let entry = readdir(handle) {
                    let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                        String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
                    }
                    if name != "." && name != ".." { unlink("\(Scratch.directory)/\(name)") }
                }
                closedir(handle)
            }
            rmdir(Scratch.directory)
        }
        return path
    }()

    /// Writes `bytes` to `name` in the scratch directory (no fsync: speed matters, durability
    /// does not) and returns the file's path.
    @discardableResult
    public static func write(_ bytes: UnsafeRawBufferPointer, to name: String) -> String {
        let path = "\(directory)/\(name)"
        guard let file = fopen(path, "wb") else { fatalError("fuzz scratch: cannot write \(path)") }
        if bytes.count > 0 { fwrite(bytes.baseAddress, 1, bytes.count, file) }
        fclose(file)
        return path
    }

    /// Writes `bytes` to `name` in the scratch directory and returns the file's path.
    @discardableResult
    public static func write(_ bytes: [UInt8], to name: String) -> String {
        bytes.withUnsafeBytes { write($0, to: name) }
    }

    /// Removes `name` from the scratch directory if it is there.
    public static func remove(_ name: String) { unlink("\(directory)/\(name)") }
}
