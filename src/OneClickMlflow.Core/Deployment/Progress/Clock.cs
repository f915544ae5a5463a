using System;

namespace OneClickMlflow.Deployment
{
    /// <summary>Durations as people read them on a clock: m:ss, h:mm:ss past an hour.</summary>
    public static class Clock
    {
        public static string Format(TimeSpan duration)
        {
            if (duration < TimeSpan.Zero)
            {
                duration = TimeSpan.Zero;
            }
            var hours = (int)duration.TotalHours;
            return hours > 0 ? $"{hours}:{duration.Minutes:00}:{duration.Seconds:00}" : $"{(int)duration.TotalMinutes}:{duration.Seconds:00}";
        }
    }
}
