using System.IO.Compression;

namespace GeoDense.Tasks.Segmentation;

/// <summary>
/// Writes an 8-bit RGB PNG from band-sequential planes, exactly as given (Geo's previews stretch their input,
/// which would wash out a chart). Uncompressed filter rows in a zlib stream; temp name then rename.
/// </summary>
public static class PngImage
{
    public static void WriteRgb(string path, byte[] planes, int width, int height)
    {
        int plane = width * height;
        if (planes.Length != 3 * plane) throw new ArgumentException($"expected 3 x {width} x {height} bytes, got {planes.Length}");
        var raw = new byte[height * (1 + 3 * width)];
        for (int y = 0; y < height; y++)
        {
            int row = y * (1 + 3 * width);   // filter byte 0 (none) then RGB triples
            for (int x = 0; x < width; x++)
                for (int c = 0; c < 3; c++) raw[row + 1 + 3 * x + c] = planes[c * plane + y * width + x];
        }
        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) z.Write(raw);

        var temp = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.partial");
        using (var file = File.Create(temp))
        {
            file.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
            var header = new byte[13];
            BigEndian(header, 0, (uint)width);
            BigEndian(header, 4, (uint)height);
            header[8] = 8;   // bit depth
            header[9] = 2;   // colour type: truecolour
            Chunk(file, "IHDR", header);
            Chunk(file, "IDAT", compressed.ToArray());
            Chunk(file, "IEND", []);
        }
        File.Move(temp, path, overwrite: true);
    }

    static void Chunk(Stream s, string type, byte[] data)
    {
        var head = new byte[8];
        BigEndian(head, 0, (uint)data.Length);
        for (int i = 0; i < 4; i++) head[4 + i] = (byte)type[i];
        s.Write(head);
        s.Write(data);
        uint crc = Crc32(head.AsSpan(4), 0xFFFFFFFFu);
        crc = Crc32(data, crc) ^ 0xFFFFFFFFu;
        var tail = new byte[4];
        BigEndian(tail, 0, crc);
        s.Write(tail);
    }

    static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
    {
        uint c = (uint)n;
        for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    static uint Crc32(ReadOnlySpan<byte> data, uint crc)
    {
        foreach (var b in data) crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    static void BigEndian(byte[] buffer, int offset, uint value)
    {
        buffer[offset] = (byte)(value >> 24); buffer[offset + 1] = (byte)(value >> 16);
        buffer[offset + 2] = (byte)(value >> 8); buffer[offset + 3] = (byte)value;
    }
}
