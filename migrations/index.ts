/** Every migration, in order. Imported (not globbed) so ts-jest and the compiled build agree. */
import { Spine1764165600000 } from './1764165600000-spine';
import { PullsAndLinks1764200000000 } from './1764200000000-pulls-and-links';
import { ImportRuns1764210000000 } from './1764210000000-import-runs';
import { Workflow1764220000000 } from './1764220000000-workflow';
import { UpstreamRotation1764230000000 } from './1764230000000-upstream-rotation';
import { NoChannelFkOnHotTables1764240000000 } from './1764240000000-no-channel-fk-on-hot-tables';
import { StatsAndReports1764250000000 } from './1764250000000-stats-and-reports';
import { LoginLockout1764270000000 } from './1764270000000-login-lockout';
import { CaseAttachments1764260000000 } from './1764260000000-case-attachments';
import { TokenGeneration1764280000000 } from './1764280000000-token-generation';

export const MIGRATIONS = [Spine1764165600000, PullsAndLinks1764200000000, ImportRuns1764210000000, Workflow1764220000000, UpstreamRotation1764230000000, NoChannelFkOnHotTables1764240000000, StatsAndReports1764250000000, CaseAttachments1764260000000, LoginLockout1764270000000, TokenGeneration1764280000000];
