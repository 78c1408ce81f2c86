import CZlib
import Foundation

/// Reads a data file whole, transparently inflating gzip (detected by its magic bytes, whatever the name).
public enum FileBytes {
    public static func read(_ url: URL) throws -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw DatasetError(file: url.path, "file is missing (run `make data`)")
        }
        guard !isDirectory.boolValue else {
            throw DatasetError(
                file: url.path, "is a folder; expected the dataset's file (remove it and run `make data`)")
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DatasetError(file: url.path, "cannot be read (\(error.localizedDescription))")
        }
        let bytes = [UInt8](data)
        if bytes.count >= 2, bytes[0] == 0x1f, bytes[1] == 0x8b { return try gunzip(bytes, file: url.path) }
        return bytes
    }

    /// Inflates a complete gzip stream (possibly several members); a truncated or corrupt stream is an error.
    public static func gunzip(_ compressed: [UInt8], file: String) throws -> [UInt8] {
        var stream = z_stream()
        guard adambench_inflate_init_gzip(&stream) == Z_OK else {
            throw DatasetError(file: file, "zlib could not start inflating")
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8]()
        output.reserveCapacity(compressed.count * 4)
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var finished = false
        try compressed.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = UInt32(input.count)
            while true {
                let status: Int32 = chunk.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(out.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                output.append(contentsOf: chunk[0..<(chunk.count - Int(stream.avail_out))])
                if status == Z_STREAM_END {
                    if stream.avail_in == 0 {
                        finished = true
                        break
                    }
                    // Another gzip member follows (concatenated .gz files are valid gzip).
                    guard inflateReset(&stream) == Z_OK else { break }
                    continue
                }
                if status == Z_BUF_ERROR && stream.avail_in == 0 { break }  // input ended mid-stream
                guard status == Z_OK else {
                    throw DatasetError(file: file, "corrupt gzip data (zlib status \(status))")
                }
            }
        }
        guard finished else { throw DatasetError(file: file, "truncated gzip file: the compressed stream ends early") }
        return output
    }
}
