namespace GeoDense.Torch.Checkpoints;

public enum CheckpointFormat
{
    Safetensors,
    TorchZip,
}

/// <summary>Recognises a checkpoint by its first bytes, never by its file name.</summary>
public static class CheckpointFormats
{
    public static CheckpointFormat Detect(string path)
    {
        Span<byte> head = stackalloc byte[9];
        int read;
        using (var stream = CheckpointFiles.OpenRead(path))
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        head = head[..read];

        if (read == 0)
            throw CheckpointInputException.For(path, "file is empty; it is not a checkpoint");
        if (head.StartsWith("PK"u8))
            return CheckpointFormat.TorchZip;
        // safetensors: 8-byte little-endian header length, then the JSON header's opening brace.
        if (read == 9 && head[8] == (byte)'{')
            return CheckpointFormat.Safetensors;
        if (head[0] == 0x80)
            throw CheckpointInputException.For(path,
                "legacy torch.save format (a bare pickle stream) is not supported; re-save it with torch>=1.6 " +
                "(torch.save(obj, path, _use_new_zipfile_serialization=True)) or convert it to .safetensors");
        throw CheckpointInputException.For(path,
            "not a checkpoint: expected a .safetensors file or a torch.save .pth (zip) file");
    }
}
