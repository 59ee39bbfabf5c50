using System.Data;
using System.Globalization;
using Dapper;
using Npgsql;

namespace Marketplace.Infrastructure.Database;

/// The providers store the same values differently: SQLite keeps Guids, decimals and timestamps
/// as text (and would write Guids upper-case), PostgreSQL has native types, SQL Server keeps ids
/// as char(36) so that they sort like the API's lower-case strings. These handlers make every
/// provider round-trip the same CLR values.
public static class TypeHandlers
{
    /// Fixed width, so that text comparison in SQLite is time order. Microseconds: the finest
    /// precision every provider keeps (PostgreSQL timestamptz).
    public const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    private static int _registered;

    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1) return;
        SqlMapper.RemoveTypeMap(typeof(Guid));
        SqlMapper.RemoveTypeMap(typeof(Guid?));
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset));
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset?));
        SqlMapper.RemoveTypeMap(typeof(decimal));
        SqlMapper.RemoveTypeMap(typeof(decimal?));
        SqlMapper.AddTypeHandler(new GuidHandler());
        SqlMapper.AddTypeHandler(new TimestampHandler());
        SqlMapper.AddTypeHandler(new DecimalHandler());
    }

    public static string FormatTimestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    private sealed class GuidHandler : SqlMapper.TypeHandler<Guid>
    {
        public override void SetValue(IDbDataParameter parameter, Guid value)
        {
            if (parameter is NpgsqlParameter)
            {
                parameter.Value = value;
            }
            else
            {
                parameter.DbType = DbType.AnsiStringFixedLength;
                parameter.Value = value.ToString("D");
            }
        }

        public override Guid Parse(object value) => value switch
        {
            Guid g => g,
            string s => Guid.ParseExact(s, "D"),
            _ => throw new DataException($"Cannot read a Guid from {value.GetType()}."),
        };
    }

    private sealed class TimestampHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
        {
            switch (parameter)
            {
                case NpgsqlParameter:
                    parameter.Value = value.ToUniversalTime();
                    break;
                case Microsoft.Data.SqlClient.SqlParameter:
                    parameter.DbType = DbType.DateTimeOffset;
                    parameter.Value = value.ToUniversalTime();
                    break;
                default:
                    parameter.DbType = DbType.String;
                    parameter.Value = FormatTimestamp(value);
                    break;
            }
        }

        public override DateTimeOffset Parse(object value) => value switch
        {
            DateTimeOffset d => d.ToUniversalTime(),
            DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
            string s => DateTimeOffset.ParseExact(s, TimestampFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
            _ => throw new DataException($"Cannot read a timestamp from {value.GetType()}."),
        };
    }

    private sealed class DecimalHandler : SqlMapper.TypeHandler<decimal>
    {
        public override void SetValue(IDbDataParameter parameter, decimal value)
        {
            if (parameter is Microsoft.Data.Sqlite.SqliteParameter)
            {
                // Text keeps every digit; SQLite's REAL would round money.
                parameter.DbType = DbType.String;
                parameter.Value = value.ToString(CultureInfo.InvariantCulture);
            }
            else
            {
                parameter.DbType = DbType.Decimal;
                parameter.Value = value;
            }
        }

        public override decimal Parse(object value) => value switch
        {
            decimal d => d,
            string s => decimal.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture),
            long l => l,
            double d => (decimal)d,
            _ => Convert.ToDecimal(value, CultureInfo.InvariantCulture),
        };
    }
}
