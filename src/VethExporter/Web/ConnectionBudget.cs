using Microsoft.AspNetCore.Connections;

namespace VethExporter.Web;

/// <summary>
/// A cap on the connections of one group of listeners, inside the server-wide one: connections past it
/// are closed at once. It keeps a flood on the remediation listeners from taking the scrapers' share.
/// </summary>
public sealed class ConnectionBudget(int limit)
{
    private int _open;

    public int Open => Volatile.Read(ref _open);

    public ConnectionDelegate Guard(ConnectionDelegate next) => async connection =>
    {
        if (Interlocked.Increment(ref _open) > limit)
        {
            Interlocked.Decrement(ref _open);
            connection.Abort(new ConnectionAbortedException("too many connections on this listener"));
            return;
        }
        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    };
}
