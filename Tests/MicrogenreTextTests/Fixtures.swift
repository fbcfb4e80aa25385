#if canImport(Glibc)
    import Glibc
#endif

/// Reads a file next to the tests (Fixtures/NAME) as UTF-8 text.
func fixture(_ name: String, file: String = #filePath) -> String {
    let directory = String(file[..<file.lastIndex(of: "/")!])
    let path = "\(directory)/Fixtures/\(name)"
    guard let handle = fopen(path, "rb") else { fatalError("missing fixture \(path)") }
    defer { fclose(handle) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let n = fread(&buffer, 1, buffer.count, handle)
        if n <= 0 { break }
        bytes += buffer[0..<n]
    }
    return String(decoding: bytes, as: UTF8.self)
}
