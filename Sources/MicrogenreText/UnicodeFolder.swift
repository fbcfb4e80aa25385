internal import CICU

/// Folds text for matching with ICU: NFKC case folding, then diacritics removed
/// (`Amélie` -> `amelie`, `Straße` -> `strasse`, `Ærø` -> `aero`).
///
/// Owns reusable UTF-16 buffers; one per thread. Used only for the non-ASCII stretches of
/// text: the analyzer folds ASCII itself.
final class UnicodeFolder {
    private let casefold: OpaquePointer
    private let nfd: OpaquePointer
    private let nfc: OpaquePointer
    private var first: [UInt16] = Array(repeating: 0, count: 256)
    private var second: [UInt16] = Array(repeating: 0, count: 256)

    /// Loads ICU's normalizers (`unorm2_getNFKCCasefoldInstance`, NFD, NFC).
    init() throws {
        var status = U_ZERO_ERROR
        casefold = try check(cicu_nfkc_casefold(&status), status, "unorm2_getNFKCCasefoldInstance")
        nfd = try check(cicu_nfd(&status), status, "unorm2_getNFDInstance")
        nfc = try check(cicu_nfc(&status), status, "unorm2_getNFCInstance")
    }

    /// Appends the folded form of `utf8` to `out`. Invalid UTF-8 becomes U+FFFD.
    func fold(_ utf8: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) throws {
        var length = try toUTF16(utf8, into: &first)
        length = try normalize(casefold, from: &first, length, into: &second)
        if second[0..<length].contains(where: { $0 >= 0xC0 }) {
            length = try normalize(nfd, from: &second, length, into: &first)
            length = stripMarks(first, length, into: &second)
            length = try normalize(nfc, from: &second, length, into: &first)
            swap(&first, &second)
        }
        try appendUTF8(second, length, to: &out)
    }

    private func toUTF16(_ utf8: UnsafeBufferPointer<UInt8>, into buffer: inout [UInt16]) throws -> Int {
        if buffer.count < utf8.count + 1 { buffer = Array(repeating: 0, count: utf8.count * 2 + 16) }
        var length: Int32 = 0
        var status = U_ZERO_ERROR
        buffer.withUnsafeMutableBufferPointer { dest in
            utf8.withMemoryRebound(to: CChar.self) { src in
                _ = cicu_utf16_from_utf8(
                    dest.baseAddress, Int32(dest.count), &length, src.baseAddress, Int32(src.count), &status)
            }
        }
        if status.rawValue > U_ZERO_ERROR.rawValue { throw icuError("u_strFromUTF8WithSub", status) }
        return Int(length)
    }

    private func normalize(
        _ normalizer: OpaquePointer, from source: inout [UInt16], _ length: Int, into dest: inout [UInt16]
    ) throws -> Int {
        while true {
            var status = U_ZERO_ERROR
            let written = source.withUnsafeBufferPointer { src in
                dest.withUnsafeMutableBufferPointer { out in
                    cicu_normalize(
                        normalizer, src.baseAddress, Int32(length), out.baseAddress, Int32(out.count), &status)
                }
            }
            if status == U_BUFFER_OVERFLOW_ERROR {
                dest = Array(repeating: 0, count: Int(written) + 16)
                continue
            }
            if status.rawValue > U_ZERO_ERROR.rawValue { throw icuError("unorm2_normalize", status) }
            return Int(written)
        }
    }

    /// Drops combining diacritical marks and spells out the Latin letters that do not
    /// decompose (æ, ø, œ, ł, đ, ð, þ, ı) and typographic apostrophes as ASCII.
    private func stripMarks(_ source: [UInt16], _ length: Int, into dest: inout [UInt16]) -> Int {
        if dest.count < length * 2 + 1 { dest = Array(repeating: 0, count: length * 2 + 16) }
        var n = 0
        for k in 0..<length {
            let unit = source[k]
            switch unit {
            case 0x0300...0x036F, 0x1AB0...0x1AFF, 0x1DC0...0x1DFF, 0x20D0...0x20FF, 0xFE20...0xFE2F:
                continue
            case 0x00E6: dest[n] = 0x61; dest[n + 1] = 0x65; n += 2  // æ
            case 0x0153: dest[n] = 0x6F; dest[n + 1] = 0x65; n += 2  // œ
            case 0x00FE: dest[n] = 0x74; dest[n + 1] = 0x68; n += 2  // þ
            case 0x00F8: dest[n] = 0x6F; n += 1  // ø
            case 0x0142: dest[n] = 0x6C; n += 1  // ł
            case 0x0111, 0x00F0: dest[n] = 0x64; n += 1  // đ, ð
            case 0x0131: dest[n] = 0x69; n += 1  // dotless i
            case 0x0127: dest[n] = 0x68; n += 1  // ħ
            case 0x2018, 0x2019, 0x02BC: dest[n] = 0x27; n += 1  // ‘ ’ ʼ
            default: dest[n] = unit; n += 1
            }
        }
        return n
    }

    private func appendUTF8(_ source: [UInt16], _ length: Int, to out: inout [UInt8]) throws {
        let start = out.count
        let capacity = length * 3 + 4
        out.append(contentsOf: repeatElement(0, count: capacity))
        var written: Int32 = 0
        var status = U_ZERO_ERROR
        source.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dest in
                dest.baseAddress!.advanced(by: start).withMemoryRebound(to: CChar.self, capacity: capacity) { p in
                    _ = cicu_utf8_from_utf16(p, Int32(capacity), &written, src.baseAddress, Int32(length), &status)
                }
            }
        }
        out.removeLast(capacity - Int(written))
        if status.rawValue > U_ZERO_ERROR.rawValue { throw icuError("u_strToUTF8", status) }
    }
}

func icuError(_ function: String, _ status: UErrorCode) -> TextError {
    .icu(function: function, code: String(cString: cicu_error_name(status)))
}

private func check(_ pointer: OpaquePointer?, _ status: UErrorCode, _ function: String) throws -> OpaquePointer {
    guard let pointer, status.rawValue <= U_ZERO_ERROR.rawValue else { throw icuError(function, status) }
    return pointer
}
