import { IsEmail, IsOptional, Matches, MaxLength } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { IsNotBlank, PHONE } from '../common/validators';

@InputType({ description: 'A new contact. `lastName` is required.' })
export class CreateContactInput {
  @Field(() => String, { description: '1..50 characters' })
  @MaxLength(50) @IsNotBlank()
  lastName!: string;

  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(50) firstName?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional() @MaxLength(100) @IsEmail({}, { message: 'email must be a well-formed email address' })
  email?: string | null;

  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(100) jobTitle?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional() @MaxLength(50) @Matches(PHONE, { message: 'businessPhone must be a phone number' })
  businessPhone?: string | null;

  @Field(() => ID, { nullable: true }) @IsOptional() accountId?: string | null;
}
