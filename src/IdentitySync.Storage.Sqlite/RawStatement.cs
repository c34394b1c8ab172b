using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace IdentitySync.Storage.Sqlite;

/// <summary>
/// A prepared statement on the connection's own handle, bound with typed values: the bulk paths
/// (millions of links and resources) skip the boxing and parameter objects of ADO.NET. It runs inside
/// whatever transaction the connection has open.
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public RawStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle!;
        Check(raw.sqlite3_prepare_v2(_db, sql, out _statement));
    }

    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    public void Bind(int index, string value) => Check(raw.sqlite3_bind_text(_statement, index, value));

    public void Bind(int index, ReadOnlySpan<byte> value) => Check(raw.sqlite3_bind_blob(_statement, index, value));

    /// <summary>Binds a text, or NULL when it is null.</summary>
    public void BindOrNull(int index, string? value) => Check(value is null ? raw.sqlite3_bind_null(_statement, index) : raw.sqlite3_bind_text(_statement, index, value));

    /// <summary>Binds a number, or NULL when it is null.</summary>
    public void BindOrNull(int index, long? value) => Check(value is { } number ? raw.sqlite3_bind_int64(_statement, index, number) : raw.sqlite3_bind_null(_statement, index));

    /// <summary>Runs the statement to completion and resets it.</summary>
    public void Execute()
    {
        var rc = raw.sqlite3_step(_statement);
        if (rc is not raw.SQLITE_DONE and not raw.SQLITE_ROW)
        {
            throw Failure(rc);
        }

        raw.sqlite3_reset(_statement);
    }

    /// <summary>Steps to the next result row; false (and reset) when there is none.</summary>
    public bool Read()
    {
        var rc = raw.sqlite3_step(_statement);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }

        if (rc != raw.SQLITE_DONE)
        {
            throw Failure(rc);
        }

        raw.sqlite3_reset(_statement);
        return false;
    }

    public long GetInt64(int column) => raw.sqlite3_column_int64(_statement, column);

    public string GetString(int column) => System.Text.Encoding.UTF8.GetString(raw.sqlite3_column_blob(_statement, column));

    /// <summary>Gets a text column, or null when the column is NULL.</summary>
    public string? GetStringOrNull(int column) => IsNull(column) ? null : GetString(column);

    /// <summary>Gets a number column, or null when the column is NULL.</summary>
    public long? GetInt64OrNull(int column) => IsNull(column) ? null : GetInt64(column);

    /// <summary>Whether a column of the current row is NULL.</summary>
    public bool IsNull(int column) => raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL;

    public byte[] GetBytes(int column) => raw.sqlite3_column_blob(_statement, column).ToArray();

    /// <summary>Gets a blob column without copying it; valid until the statement steps or resets.</summary>
    public ReadOnlySpan<byte> GetBlob(int column) => raw.sqlite3_column_blob(_statement, column);

    /// <summary>Resets the statement without stepping it to its end (a lookup that read the one row it wanted).</summary>
    public void Reset() => raw.sqlite3_reset(_statement);

    public void Dispose() => _statement.Dispose();

    /// <summary>The error of a failed step, read before the reset that makes the statement usable again.</summary>
    private SqliteException Failure(int rc)
    {
        var extended = raw.sqlite3_extended_errcode(_db);
        var message = raw.sqlite3_errmsg(_db).utf8_to_string();
        raw.sqlite3_reset(_statement);
        return new SqliteException($"SQLite Error {rc}: '{message}'.", rc, extended);
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }
}
