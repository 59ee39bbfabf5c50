using System.Text;
using Marketplace.Infrastructure.Catalog;
using Marketplace.Infrastructure.Reference;

namespace Marketplace.Api.Tests.Catalog;

/// Runs bodies through the reader, optionally in small chunks, so that every state that spans
/// two reads (quotes, CR before LF, the BOM, an over-long record) is crossed at every offset.
internal static class CatalogBodies
{
    public static readonly Domain.Reference.ReferenceData Reference = ReferenceDataLoader.Load();

    public static readonly int[] ChunkSizes = [1, 2, 3, 7, 64, 4096, int.MaxValue];

    public static Task<List<CatalogRecord>> ReadAsync(string body, CatalogFormat format, int chunk = int.MaxValue) =>
        ReadAsync(Encoding.UTF8.GetBytes(body), format, chunk);

    public static async Task<List<CatalogRecord>> ReadAsync(byte[] body, CatalogFormat format, int chunk = int.MaxValue)
    {
        await using var reader = new CatalogReader(new ChunkedStream(body, chunk), format, Reference);
        var records = new List<CatalogRecord>();
        await foreach (var record in reader.ReadAsync())
        {
            records.Add(record);
        }

        Assert.True(reader.IsBodyComplete);
        return records;
    }

    public static string Lines(params string[] lines) => string.Join("\n", lines) + "\n";

    public static string Json(string sku = "A-1", string extra = "") =>
        $$"""{"sku":"{{sku}}","name":"Bolt M8","categoryCode":"25.94.11","unit":"pce","price":12.5,"stock":10,"originCountry":"RU"{{extra}}}""";

    public const string CsvHeader = "sku,name,categoryCode,unit,price,stock,originCountry";

    /// A record's error fields in order, "(row)" for a whole-row error: "unit|price".
    public static string Fields(CatalogRecord r) => Fields(r.Errors);

    public static string Fields(IEnumerable<CatalogFieldError> errors) => string.Join("|", errors.Select(e => e.Field ?? "(row)"));

    /// At most `chunk` bytes per read, as a slow network would deliver them.
    public sealed class ChunkedStream(byte[] data, int chunk) : Stream
    {
        private int position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => data.Length;

        public override long Position { get => position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(Math.Min(buffer.Length, chunk), data.Length - position);
            data.AsSpan(position, n).CopyTo(buffer);
            position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush() => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// Produces a body on the fly from a row generator, never holding more than one row.
    public sealed class GeneratedStream(long rows, Func<long, string> row) : Stream
    {
        private readonly byte[] current = new byte[1 << 17];
        private long next;
        private int offset;
        private int length;

        public long BytesProduced { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => BytesProduced; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var written = 0;
            while (written < buffer.Length)
            {
                if (offset == length)
                {
                    if (next == rows)
                    {
                        break;
                    }

                    length = Encoding.UTF8.GetBytes(row(next++), current);
                    offset = 0;
                }

                var n = Math.Min(buffer.Length - written, length - offset);
                current.AsSpan(offset, n).CopyTo(buffer[written..]);
                offset += n;
                written += n;
            }

            BytesProduced += written;
            return written;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush() => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
