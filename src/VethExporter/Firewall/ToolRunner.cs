using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace VethExporter.Firewall;

/// <summary>
/// Runs one command (a listing, a rule deletion, a CNI plugin) with a deadline and a cap on its output.
/// Anything short of a clean exit within both is a failure: a partial listing could be missing exactly
/// the rule that matters.
/// </summary>
internal static class ToolRunner
{
    private const int ErrorCap = 64 * 1024;
    private static readonly TimeSpan ReapWait = TimeSpan.FromSeconds(5);

    /// <param name="input">Written to its stdin, which is then closed (none: closed at once).</param>
    public static async Task<ToolResult> RunAsync(string tool, ProcessStartInfo start, TimeSpan timeout, long outputCap, CancellationToken cancellationToken,
        byte[]? input = null)
    {
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("no process started");
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException)
        {
            return new ToolResult(tool, "", $"{tool} could not be run: {e.Message}");
        }

        using (process)
        using (var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            limit.CancelAfter(timeout);
            try
            {
                if (input is not null) await process.StandardInput.BaseStream.WriteAsync(input, limit.Token).ConfigureAwait(false);
                process.StandardInput.Close();
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
                // It exited (or stopped reading) early: its exit status says why.
            }
            var error = CappedReader.ReadAsync(process.StandardError.BaseStream, ErrorCap, drain: true, limit.Token);
            var output = CappedReader.ReadAsync(process.StandardOutput.BaseStream, outputCap, drain: false, limit.Token);
            try
            {
                var read = await output.ConfigureAwait(false);
                if (read.OverCap)
                {
                    Kill(process);
                    return new ToolResult(tool, "", $"{tool} wrote more than {outputCap} bytes and was stopped");
                }
                await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
                string stderr = Encoding.UTF8.GetString((await error.ConfigureAwait(false)).Data).Trim();
                string text = Encoding.UTF8.GetString(read.Data);
                return process.ExitCode == 0
                    ? new ToolResult(tool, text, null)
                    : new ToolResult(tool, "", $"{tool} exited with {process.ExitCode}: {FirstLine(stderr.Length > 0 ? stderr : text.Trim())}");
            }
            catch (OperationCanceledException)
            {
                Kill(process);
                return new ToolResult(tool, "", cancellationToken.IsCancellationRequested
                    ? $"{tool} was stopped: the scan was cancelled"
                    : $"{tool} did not finish within {timeout.TotalSeconds:0.#} s and was stopped");
            }
            finally
            {
                // Both readers end once the pipes close or the deadline passes; their outcome no longer matters.
                limit.Cancel();
                await Task.WhenAll(output, error).ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Kills the child and whatever it started (nsenter execs the tool; a script may fork), then reaps it.</summary>
    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(ReapWait);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception)
        {
            // It had already exited.
        }
    }

    private static string FirstLine(string text)
    {
        int newline = text.IndexOf('\n');
        return newline < 0 ? text : text[..newline];
    }
}

/// <summary>A listing's standard output, or why there is none to trust.</summary>
public sealed record ToolResult(string Tool, string Output, string? Failure);
