internal import FoundationEssentials
import MicrogenreCore

#if canImport(Glibc)
    import Glibc
#endif

#if _endian(big)
    #error("safetensors files are little-endian: this reader maps them as they are")
#endif

/// A `.safetensors` file, memory-mapped: an 8-byte little-endian header length, a JSON header
/// naming each tensor's dtype, shape and byte range (`data_offsets`, relative to the end of the
/// header), then the raw little-endian tensor bytes. Every range and shape is checked against the
/// file, so a damaged or truncated file is refused with an ``EmbeddingError``, never read past.
/// Tensors are read in place (no copy) for as long as the file object lives.
final class SafeTensors: @unchecked Sendable {
    struct Entry: Decodable {
        var dtype: String?
        var shape: [Int]?
        var dataOffsets: [Int]?

        enum CodingKeys: String, CodingKey {
            case dtype, shape
            case dataOffsets = "data_offsets"
        }
    }

    let path: String
    private let base: UnsafeMutableRawPointer
    private let size: Int
    private let dataStart: Int
    private let entries: [String: Entry]
    /// Tensors that were not 4-byte aligned in the file, copied out once (freed with the file).
    private var copies: [UnsafeMutableBufferPointer<Float>] = []

    init(path: String) throws {
        self.path = path
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw EmbeddingError(path: path, "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw EmbeddingError(path: path, "cannot stat the file") }
        size = Int(info.st_size)
        guard size >= 8 else { throw EmbeddingError(path: path, "not a safetensors file (\(size) bytes)") }
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), mapped != MAP_FAILED else {
            throw EmbeddingError(path: path, "cannot map the file: \(String(cString: strerror(errno)))")
        }
        base = mapped
        let bytes = UnsafeRawBufferPointer(start: mapped, count: size)
        var headerLength = 0
        for k in 0..<8 { headerLength |= Int(bytes[k]) << (8 * k) }
        guard headerLength > 1, headerLength <= size - 8, headerLength < 100_000_000 else {
            munmap(mapped, size)
            throw EmbeddingError(path: path, "not a safetensors file (header length \(headerLength))")
        }
        dataStart = 8 + headerLength
        do {
            entries = try JSONDecoder().decode([String: Entry].self, from: Data(bytes[8..<(8 + headerLength)]))
        } catch {
            munmap(mapped, size)
            throw EmbeddingError(path: path, "damaged safetensors header: \(error)")
        }
        // Every tensor, used or not, lies inside the file: a truncated file is refused here.
        for (name, entry) in entries where name != "__metadata__" {
            guard let offsets = entry.dataOffsets, offsets.count == 2, offsets[0] >= 0, offsets[0] <= offsets[1],
                dataStart + offsets[1] <= size
            else {
                munmap(mapped, size)
                throw EmbeddingError(
                    path: path, "tensor \(name) lies outside the file: the file is damaged or truncated")
            }
        }
    }

    deinit {
        for copy in copies { copy.deallocate() }
        munmap(base, size)
    }

    /// A 64-bit hash that tells one set of weights from another: the whole header (every
    /// tensor's name, type, shape and place), the file's size, and one 8-byte word in every 512
    /// of the tensor data (multiply-xor). Any retrained or other model differs in nearly every
    /// word; sampling keeps opening a model cheap (a search opens it every time), where hashing
    /// all 90 MB cost a quarter of a short search's process time.
    var fingerprint: UInt64 {
        let raw = UnsafeRawBufferPointer(start: base, count: size)
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(raw.count)
        func mix(_ word: UInt64) {
            h = (h ^ word) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 29
        }
        var offset = 0
        while offset + 8 <= dataStart {
            mix(raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
        }
        offset = dataStart
        while offset + 8 <= raw.count {
            mix(raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8 * 512
        }
        return h
    }

    /// The names of the tensors in the file.
    var names: [String] { entries.keys.filter { $0 != "__metadata__" }.sorted() }

    /// The `F32` tensor `name`, checked to have `shape`, read in place.
    func floats(_ name: String, shape: [Int]) throws -> UnsafeBufferPointer<Float> {
        guard let entry = entries[name], let dtype = entry.dtype, let actual = entry.shape,
            let offsets = entry.dataOffsets, offsets.count == 2
        else { throw EmbeddingError(path: path, "no tensor \(name)") }
        guard dtype == "F32" else { throw EmbeddingError(path: path, "tensor \(name) is \(dtype), not F32") }
        guard actual == shape else {
            throw EmbeddingError(path: path, "tensor \(name) has shape \(actual), the configuration needs \(shape)")
        }
        let count = shape.reduce(1, *)
        let start = dataStart + offsets[0]
        guard offsets[1] - offsets[0] == count * 4, start + count * 4 <= size else {
            throw EmbeddingError(path: path, "tensor \(name) lies outside the file: the file is damaged or truncated")
        }
        let address = base + start
        if Int(bitPattern: address) % MemoryLayout<Float>.alignment == 0 {
            return UnsafeBufferPointer(start: address.assumingMemoryBound(to: Float.self), count: count)
        }
        let copy = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
        UnsafeMutableRawBufferPointer(copy).copyMemory(from: UnsafeRawBufferPointer(start: address, count: count * 4))
        copies.append(copy)
        return UnsafeBufferPointer(copy)
    }
}

/// The parts of a BERT `config.json` the encoder needs.
public struct BertConfiguration: Sendable, Equatable, Decodable {
    public var vocabularySize: Int
    public var hiddenSize: Int
    public var layers: Int
    public var heads: Int
    public var intermediateSize: Int
    public var maximumPositions: Int
    public var typeVocabularySize: Int
    public var layerNormEpsilon: Float
    public var activation: String

    enum CodingKeys: String, CodingKey {
        case vocabularySize = "vocab_size"
        case hiddenSize = "hidden_size"
        case layers = "num_hidden_layers"
        case heads = "num_attention_heads"
        case intermediateSize = "intermediate_size"
        case maximumPositions = "max_position_embeddings"
        case typeVocabularySize = "type_vocab_size"
        case layerNormEpsilon = "layer_norm_eps"
        case activation = "hidden_act"
    }

    /// Reads and checks a `config.json`.
    static func load(_ path: String) throws -> BertConfiguration {
        let bytes: [UInt8]
        do { bytes = try FileSystem.read(path) } catch { throw EmbeddingError(path: path, "cannot read: \(error)") }
        let configuration: BertConfiguration
        do {
            configuration = try JSONDecoder().decode(BertConfiguration.self, from: Data(bytes))
        } catch {
            throw EmbeddingError(path: path, "not a BERT configuration: \(error)")
        }
        guard configuration.hiddenSize > 0, configuration.heads > 0,
            configuration.hiddenSize % configuration.heads == 0, configuration.layers > 0,
            configuration.intermediateSize > 0, configuration.maximumPositions > 2, configuration.vocabularySize > 0,
            configuration.typeVocabularySize > 0
        else { throw EmbeddingError(path: path, "sizes that do not make a BERT encoder") }
        guard configuration.activation == "gelu" else {
            throw EmbeddingError(path: path, "activation \(configuration.activation); only gelu is supported")
        }
        return configuration
    }
}
