import Datasets
import Foundation
import Testing

@Suite struct IMDBTests {
    @Test func tokenizerLowercasesDropsBreaksAndSplitsOnNonLetters() {
        var tokenizer = Tokenizer()
        let ids = tokenizer.encode("Great<br />MOVIE, isn't it? Ünïcode café—naïve 42x", learn: true)
        #expect(
            ids.map { tokenizer.tokens[Int($0)] } == [
                "great", "movie", "isn", "t", "it", "ünïcode", "café", "naïve", "x",
            ])
        #expect(!tokenizer.tokens.contains("br"))
        let again = tokenizer.encode("movie MOVIE unseen", learn: false)
        #expect(
            again.map { tokenizer.tokens[Int($0)] } == ["movie", "movie"], "unknown tokens are dropped at test time")
        #expect(
            tokenizer.counts[Int(tokenizer.encode("movie", learn: false)[0])] == 1, "test-time encoding counts nothing")
    }

    @Test func vocabularyRanksByCountThenCodePoint() {
        var tokenizer = Tokenizer()
        _ = tokenizer.encode("b a c b a d", learn: true)
        #expect(tokenizer.mostFrequent(3).map { tokenizer.tokens[Int($0)] } == ["a", "b", "c"])
    }

    func writeSplits(_ train: String, _ test: String) throws -> URL {
        let dir = try TestFiles.directory()
        try train.write(to: dir.appendingPathComponent("train.csv"), atomically: true, encoding: .utf8)
        try test.write(to: dir.appendingPathComponent("test.csv"), atomically: true, encoding: .utf8)
        return dir
    }

    @Test func buildsBinaryBagOfWords() throws {
        let dir = try writeSplits(
            "label,text\n0,\"bad, bad film\"\n1,\"good film<br />good\"\n1,great film\n",
            "label,text\n1,good good\n0,\"awful, \"\"bad\"\"\"\n")
        let (train, test) = try IMDBLoader.load(folder: dir, vocabularySize: 3)
        #expect(train.vocabulary == ["film", "bad", "good"])
        #expect(train.features.rowOffsets == [0, 2, 4, 5] && train.features.columnIndices == [0, 1, 0, 2, 0])
        #expect(train.features.values == [1, 1, 1, 1, 1])
        #expect(test.features.rowOffsets == [0, 1, 2] && test.features.columnIndices == [2, 1])
        #expect(train.labels == [0, 1, 1] && test.labels == [1, 0] && train.classCounts == [1, 2])
        #expect(train.fingerprint == test.fingerprint && train.fingerprint.count == 64)
    }

    @Test func malformedRowNamesTheFileAndTheRow() throws {
        let dir = try writeSplits("label,text\n0,fine\n1,too,many,fields\n", "label,text\n0,x\n")
        #expect(
            throws: DatasetError(
                file: dir.appendingPathComponent("train.csv").path, "row 3: 4 fields, expected 2 (label,text)")
        ) {
            _ = try IMDBLoader.load(folder: dir)
        }
        let badLabel = try writeSplits("label,text\n0,fine\n", "label,text\npositive,x\n")
        #expect(
            throws: DatasetError(
                file: badLabel.appendingPathComponent("test.csv").path, "row 2: label 'positive', expected 0 or 1")
        ) {
            _ = try IMDBLoader.load(folder: badLabel)
        }
        let badHeader = try writeSplits("text,label\nx,0\n", "label,text\n0,x\n")
        #expect(
            throws: DatasetError(
                file: badHeader.appendingPathComponent("train.csv").path,
                "header is 'text,label', expected 'label,text'")
        ) {
            _ = try IMDBLoader.load(folder: badHeader)
        }
    }

    @Test func sparseRowSelection() {
        let m = SparseMatrix(
            rows: 3, columns: 4, rowOffsets: [0, 1, 1, 3], columnIndices: [2, 0, 3], values: [1, 2, 3])
        let picked = m.rows([2, 0])
        #expect(picked.rowOffsets == [0, 2, 3] && picked.columnIndices == [0, 3, 2] && picked.values == [2, 3, 1])
    }
}
