using Cronos;

namespace IdentitySync.Hosting;

/// <summary>When a hosted job runs next: a cron expression in a time zone, or an interval after the last run.</summary>
internal sealed class JobSchedule
{
    private readonly CronExpression? _cron;
    private readonly TimeZoneInfo _zone = TimeZoneInfo.Utc;
    private readonly TimeSpan _interval;

    private JobSchedule(CronExpression? cron, TimeZoneInfo zone, TimeSpan interval)
    {
        _cron = cron;
        _zone = zone;
        _interval = interval;
    }

    /// <summary>Reads a job's schedule; the problems say which setting is wrong and what is allowed.</summary>
    public static JobSchedule? TryCreate(HostedJobOptions job, out IReadOnlyList<string> problems)
    {
        var found = new List<string>();
        problems = found;
        if ((job.Schedule is null) == (job.Interval is null))
        {
            found.Add($"Jobs[{job.Name}]: give either Schedule (a cron expression such as '0 2 * * *') or Interval (such as '01:00:00'), not {(job.Schedule is null ? "neither" : "both")}");
            return null;
        }

        if (job.Interval is { } interval)
        {
            if (interval <= TimeSpan.Zero)
            {
                found.Add($"Jobs[{job.Name}].Interval: '{interval}' must be longer than zero");
                return null;
            }

            return new JobSchedule(null, TimeZoneInfo.Utc, interval);
        }

        TimeZoneInfo zone;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(job.TimeZone);
        }
        catch (Exception exception) when (exception is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            found.Add($"Jobs[{job.Name}].TimeZone: '{job.TimeZone}' is not a time zone of this system; give an IANA id such as Europe/Paris, or UTC");
            return null;
        }

        try
        {
            var fields = job.Schedule!.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
            var cron = CronExpression.Parse(job.Schedule, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
            return new JobSchedule(cron, zone, TimeSpan.Zero);
        }
        catch (CronFormatException exception)
        {
            found.Add($"Jobs[{job.Name}].Schedule: '{job.Schedule}' is not a cron expression ({exception.Message}); give five fields, minute hour day month weekday, such as '0 2 * * *'");
            return null;
        }
    }

    /// <summary>The first run after <paramref name="after"/>: the cron's next occurrence, or the interval later; null when the cron never fires again.</summary>
    public DateTimeOffset? Next(DateTimeOffset after) =>
        _cron is null ? after + _interval : _cron.GetNextOccurrence(after, _zone);
}
