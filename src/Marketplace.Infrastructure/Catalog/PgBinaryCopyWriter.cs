using System.Buffers.Binary;
using System.Text;
using Npgsql;

namespace Marketplace.Infrastructure.Catalog;

/// A `COPY ... FROM STDIN (FORMAT BINARY)` whose rows are encoded straight into one reusable
/// buffer and sent over Npgsql's raw copy stream: NpgsqlBinaryImporter's per-field type resolution
/// and writer state machines were about a tenth of a 1M-row import's CPU. The caller writes each
/// row's fields in the COPY's column order, with the types of those columns (nothing checks them:
/// PostgreSQL rejects a field of the wrong length, but not every wrong type). Disposing without
/// `CompleteAsync` cancels the COPY (disposing the raw stream alone would complete it).
internal sealed class PgBinaryCopyWriter : IAsyncDisposable
{
    // The buffer goes to the stream once a row ends past this, so it stays about this size.
    private const int FlushAt = 64 * 1024;
    // The signature "PGCOPY\n\xff\r\n\0", int32 flags 0, int32 header extension length 0.
    private static readonly byte[] Header = [.. "PGCOPY\n"u8, 0xFF, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0];
    private static readonly long PgEpochTicks = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
    // Strict, as Npgsql's: a lone surrogate fails the COPY rather than becoming U+FFFD.
    private static readonly UTF8Encoding Utf8 = new(false, true);
    private static readonly UInt128[] Pow10 = [1, 10, 100, 1000];

    private readonly NpgsqlRawCopyStream _stream;
    private byte[] _buffer = new byte[FlushAt + 8 * 1024];
    private int _length;
    private bool _completed;

    private PgBinaryCopyWriter(NpgsqlRawCopyStream stream) => _stream = stream;

    /// Starts `copy`, a `COPY ... FROM STDIN (FORMAT BINARY)` statement.
    public static async Task<PgBinaryCopyWriter> StartAsync(NpgsqlConnection connection, string copy, CancellationToken ct)
    {
        var writer = new PgBinaryCopyWriter(await connection.BeginRawBinaryCopyAsync(copy, ct));
        Header.CopyTo(writer._buffer, 0);
        writer._length = Header.Length;
        return writer;
    }

    /// Starts a row of `fields` fields, first sending the rows before it once they fill the buffer.
    public ValueTask StartRowAsync(short fields, CancellationToken ct)
    {
        if (_length < FlushAt)
        {
            WriteInt16(fields);
            return ValueTask.CompletedTask;
        }
        return FlushThenStart(fields, ct);
    }

    private async ValueTask FlushThenStart(short fields, CancellationToken ct)
    {
        await FlushAsync(ct);
        WriteInt16(fields);
    }

    private async ValueTask FlushAsync(CancellationToken ct)
    {
        await _stream.WriteAsync(_buffer.AsMemory(0, _length), ct);
        _length = 0;
    }

    public void WriteNull() => WriteInt32(-1);

    public void Write(string value)
    {
        // Past a few KB the exact size beats reserving three bytes per char.
        var max = value.Length <= 4096 ? Utf8.GetMaxByteCount(value.Length) : Utf8.GetByteCount(value);
        var span = Reserve(4 + max);
        var count = Utf8.GetBytes(value, span[4..]);
        BinaryPrimitives.WriteInt32BigEndian(span, count);
        _length += 4 + count;
    }

    public void WriteOrNull(string? value)
    {
        if (value is null) WriteNull();
        else Write(value);
    }

    public void Write(long value)
    {
        var span = Reserve(12);
        BinaryPrimitives.WriteInt32BigEndian(span, 8);
        BinaryPrimitives.WriteInt64BigEndian(span[4..], value);
        _length += 12;
    }

    public void Write(bool value)
    {
        var span = Reserve(5);
        BinaryPrimitives.WriteInt32BigEndian(span, 1);
        span[4] = value ? (byte)1 : (byte)0;
        _length += 5;
    }

    /// uuid: PostgreSQL keeps the RFC 4122 (big-endian) byte order, unlike Guid's memory layout.
    public void Write(Guid value)
    {
        var span = Reserve(20);
        BinaryPrimitives.WriteInt32BigEndian(span, 16);
        value.TryWriteBytes(span[4..], bigEndian: true, out _);
        _length += 20;
    }

    public void WriteOrNull(Guid? value)
    {
        if (value is { } v) Write(v);
        else WriteNull();
    }

    /// timestamptz: microseconds since 2000-01-01 UTC (sub-microsecond ticks truncated, as Npgsql does).
    public void Write(DateTimeOffset value) => Write((value.UtcTicks - PgEpochTicks) / 10);

    /// numeric: base-10000 digits around the decimal point, with the decimal's scale as the
    /// display scale (12.50m reads back as 12.50).
    public void Write(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var scale = (bits[3] >> 16) & 0xFF;
        var mantissa = ((UInt128)(uint)bits[2] << 64) | ((ulong)(uint)bits[1] << 32) | (uint)bits[0];
        // Align the fraction to whole base-10000 digits: at most 96 bits times 1000 fits in 128.
        var fractionDigits = (scale + 3) / 4;
        mantissa *= Pow10[fractionDigits * 4 - scale];
        Span<short> digits = stackalloc short[10]; // least significant first; 2^106 < 10000^9
        var count = 0;
        while (mantissa > ulong.MaxValue)
        {
            var (quotient, remainder) = UInt128.DivRem(mantissa, 10000);
            digits[count++] = (short)(ulong)remainder;
            mantissa = quotient;
        }
        // The usual case (prices, shares) from the start: a 64-bit division by a constant is a multiply.
        for (var rest = (ulong)mantissa; rest != 0; rest /= 10000) digits[count++] = (short)(rest % 10000);
        // Trailing zero digits need not be sent (the display scale keeps the zeros). PostgreSQL
        // itself makes a value of no digits (0, -0m) a positive zero of weight 0.
        var trailing = 0;
        while (trailing < count && digits[trailing] == 0) trailing++;
        var ndigits = count - trailing;
        var weight = count - 1 - fractionDigits;

        var span = Reserve(4 + 8 + 2 * ndigits);
        BinaryPrimitives.WriteInt32BigEndian(span, 8 + 2 * ndigits);
        BinaryPrimitives.WriteInt16BigEndian(span[4..], (short)ndigits);
        BinaryPrimitives.WriteInt16BigEndian(span[6..], (short)weight);
        BinaryPrimitives.WriteUInt16BigEndian(span[8..], bits[3] < 0 ? (ushort)0x4000 : (ushort)0);
        BinaryPrimitives.WriteInt16BigEndian(span[10..], (short)scale);
        for (var i = 0; i < ndigits; i++) BinaryPrimitives.WriteInt16BigEndian(span[(12 + 2 * i)..], digits[count - 1 - i]);
        _length += 4 + 8 + 2 * ndigits;
    }

    public void WriteOrNull(decimal? value)
    {
        if (value is { } v) Write(v);
        else WriteNull();
    }

    private void WriteInt16(short value)
    {
        BinaryPrimitives.WriteInt16BigEndian(Reserve(2), value);
        _length += 2;
    }

    private void WriteInt32(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(Reserve(4), value);
        _length += 4;
    }

    // The free space from `_length`, at least `size` bytes; a row larger than the slack grows the buffer.
    private Span<byte> Reserve(int size)
    {
        if (_buffer.Length - _length < size) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + size));
        return _buffer.AsSpan(_length);
    }

    /// Sends the rest and the trailer, and ends the COPY (the server's errors surface here).
    public async Task CompleteAsync(CancellationToken ct)
    {
        WriteInt16(-1);
        await FlushAsync(ct);
        _completed = true;
        await _stream.DisposeAsync(); // sends CopyDone and reads the server's answer
    }

    public async ValueTask DisposeAsync()
    {
        if (_completed) return;
        _completed = true;
        await _stream.CancelAsync(); // CopyFail: the server discards the rows
    }
}
