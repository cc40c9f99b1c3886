import { Field, ID, InputType } from 'type-graphql';
import { OpportunityState } from '../common/enums';

@InputType({ description: 'Conditions combine with AND; an empty or absent list does not filter.' })
export class OpportunityFilter {
  @Field(() => [OpportunityState], { nullable: true }) state?: OpportunityState[] | null;
  @Field(() => ID, { nullable: true, description: 'Only the opportunity qualified from this lead.' }) originatingLeadId?: string | null;
}
