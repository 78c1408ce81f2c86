/// The IMDB tokenizer (PAPER.md §2): every `<br />` tag becomes a space, then a token is a maximal
/// run of Unicode scalars with the Alphabetic property, lower-cased (full lowercase mapping).
///
/// Works on UTF-8 bytes with an ASCII fast path; tokens are interned as they are found, so a corpus
/// becomes arrays of integer ids plus one table of distinct tokens with their total counts.
public struct Tokenizer {
    /// Recorded with every run that uses the bag-of-words features.
    public static let description =
        "'<br />' -> space; tokens = maximal runs of Unicode Alphabetic scalars, lower-cased; vocabulary = most frequent training tokens by total count, ties by code-point order; binary presence"

    /// Distinct tokens in order of first appearance, and how often each occurred.
    public private(set) var tokens: [String] = []
    public private(set) var counts: [Int] = []
    private var ids: [String: Int32] = [:]

    public init() {}

    /// The token ids of `text`, interning new tokens (and counting every occurrence) when `learn` is
    /// true; with `learn` false, tokens never seen before are dropped and nothing is counted.
    public mutating func encode(_ text: String, learn: Bool) -> [Int32] {
        var out: [Int32] = []
        var token: [UInt8] = []
        token.reserveCapacity(32)
        func flush(_ tokenizer: inout Tokenizer) {
            guard !token.isEmpty else { return }
            let word = String(decoding: token, as: UTF8.self)
            token.removeAll(keepingCapacity: true)
            if let id = tokenizer.ids[word] {
                out.append(id)
                if learn { tokenizer.counts[Int(id)] += 1 }
            } else if learn {
                let id = Int32(tokenizer.tokens.count)
                tokenizer.ids[word] = id
                tokenizer.tokens.append(word)
                tokenizer.counts.append(1)
                out.append(id)
            }
        }
        var text = text
        text.withUTF8 { bytes in
            var i = 0
            let n = bytes.count
            while i < n {
                let b = bytes[i]
                if b < 0x80 {
                    if b == UInt8(ascii: "<"), i + 6 <= n, bytes[i + 1] == UInt8(ascii: "b"),
                        bytes[i + 2] == UInt8(ascii: "r"),
                        bytes[i + 3] == UInt8(ascii: " "), bytes[i + 4] == UInt8(ascii: "/"),
                        bytes[i + 5] == UInt8(ascii: ">")
                    {
                        flush(&self)
                        i += 6
                        continue
                    }
                    if b >= 0x61 && b <= 0x7a {
                        token.append(b)
                    } else if b >= 0x41 && b <= 0x5a {
                        token.append(b + 32)
                    } else {
                        flush(&self)
                    }
                    i += 1
                    continue
                }
                // A multi-byte scalar: decode it (the input is valid UTF-8, being a String).
                let length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2
                var value = UInt32(b) & (length == 2 ? 0x1f : length == 3 ? 0x0f : 0x07)
                for k in 1..<length where i + k < n { value = value << 6 | UInt32(bytes[i + k] & 0x3f) }
                i += length
                if let scalar = Unicode.Scalar(value), scalar.properties.isAlphabetic {
                    token.append(contentsOf: scalar.properties.lowercaseMapping.utf8)
                } else {
                    flush(&self)
                }
            }
        }
        flush(&self)
        return out
    }

    /// The ids of the `size` most frequent tokens, most frequent first, ties by code-point order.
    public func mostFrequent(_ size: Int) -> [Int32] {
        let order = (0..<Int32(tokens.count)).sorted { a, b in
            let ca = counts[Int(a)], cb = counts[Int(b)]
            return ca != cb
                ? ca > cb : tokens[Int(a)].unicodeScalars.lexicographicallyPrecedes(tokens[Int(b)].unicodeScalars)
        }
        return Array(order.prefix(size))
    }
}
