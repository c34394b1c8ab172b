using System.Net;
using System.Net.Sockets;

namespace IdentitySync.Connections.Ldap.Tests;

/// <summary>
/// A TCP relay on loopback between the connection and slapd that can cut the line: once the directory has
/// sent <see cref="CutAfterBytes"/> bytes on a connection, both sockets are closed, as a network or a
/// server that goes away mid-answer would. Real sockets, a real server: nothing is simulated but the cut.
/// </summary>
internal sealed class CuttingProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _clients = [];

    public CuttingProxy(Uri target)
    {
        _target = new IPEndPoint(IPAddress.Parse(target.Host), target.Port);
        _listener.Start();
        _ = AcceptAsync();
    }

    /// <summary>Gets or sets how many bytes from the server each connection relays before the cut; <see cref="long.MaxValue"/> never cuts.</summary>
    public long CutAfterBytes { get; set; } = long.MaxValue;

    /// <summary>Gets how many connections were cut.</summary>
    public int Cuts { get; private set; }

    public string Url => $"ldap://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_clients)
        {
            _clients.ForEach(static c => c.Dispose());
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            var server = new TcpClient();
            await server.ConnectAsync(_target);
            lock (_clients)
            {
                _clients.Add(client);
                _clients.Add(server);
            }

            var limit = CutAfterBytes;
            _ = RelayAsync(client, server, long.MaxValue);
            _ = RelayAsync(server, client, limit);
        }
    }

    private async Task RelayAsync(TcpClient from, TcpClient to, long limit)
    {
        var buffer = new byte[16 * 1024];
        long relayed = 0;
        try
        {
            while (true)
            {
                var read = await from.GetStream().ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    break;
                }

                var allowed = (int)Math.Min(read, limit - relayed);
                await to.GetStream().WriteAsync(buffer.AsMemory(0, allowed), _stop.Token);
                relayed += allowed;
                if (relayed >= limit)
                {
                    Cuts++;
                    break;
                }
            }
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException or OperationCanceledException or SocketException)
        {
        }

        from.Close();
        to.Close();
    }
}
