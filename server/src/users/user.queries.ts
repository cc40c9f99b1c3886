import { RowReader } from '../common/rows';
import { User } from './user.entity';

export const userRows = new RowReader(User);
